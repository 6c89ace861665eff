"""Printing a case: the print view holds the case, is logged, and the print stylesheet hides navigation, buttons and
the language switcher on every page and repeats the reference and CONFIDENTIAL / RAHASIA."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from audit.models import AccessLog
from tests.cases import MARKERS

pytestmark = pytest.mark.django_db


def test_the_print_view_is_logged_and_marked_confidential(alice, bob, case_a, client_for):
    page = client_for(alice).get(reverse("casework:case_print", args=[case_a.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert case_a.reference in text and "RAHASIA" in text and MARKERS["narrative"] in text
    assert MARKERS["nik"] not in text  # masked on paper too
    assert 'class="print-running' in text
    assert "jejaring/print.css" in text and 'media="print"' in text
    assert AccessLog.objects.filter(object_id=case_a.pk, event="case_printed", actor=alice).count() == 1
    assert client_for(bob).get(reverse("casework:case_print", args=[case_a.pk])).status_code == 404


def test_every_page_links_the_print_stylesheet_which_hides_the_chrome(alice, client_for):
    home = client_for(alice).get(reverse("home")).content.decode()
    assert "jejaring/print.css" in home
    css = (Path(settings.BASE_DIR) / "static/jejaring/print.css").read_text()
    for selector in ("header", "footer", "nav", ".btn", "form", '[data-testid="language-switcher"]'):
        assert selector in css
    assert "@page" in css and ".print-running" in css and "position: fixed" in css
