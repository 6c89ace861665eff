"""With DEBUG on (the demo), a page not found is the friendly page in the user's language, not Django's technical
page; refusals are the friendly 403 page."""

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/no-such-page/", "/cases/00000000-0000-0000-0000-000000000000/"])
def test_not_found_is_friendly_even_in_debug(settings, alice, path):
    settings.DEBUG = True
    from tests.conftest import sign_in

    response = sign_in(Client(), alice).get(path)
    text = response.content.decode()
    assert response.status_code == 404
    assert "Tidak ditemukan" in text and "Django" not in text and "URLconf" not in text


def test_refused_is_friendly_in_debug(settings, client_for, alice):
    settings.DEBUG = True
    response = client_for(alice).get(reverse("audit:log"))
    assert response.status_code == 403 and "Django" not in response.content.decode()


def test_the_technical_page_can_be_asked_for(settings, client_for, alice):
    settings.DEBUG = True
    settings.TECHNICAL_404 = True
    response = client_for(alice).get("/no-such-page/")
    assert response.status_code == 404 and "URLconf" in response.content.decode()
