"""seed_demo gives a newcomer a living map: some provinces above k, some hidden, a frozen report, posted needs."""

import pytest
from django.core.management import call_command

from network import selectors
from network.models import Challenge, PostedNeed, QuarterlyReport

pytestmark = pytest.mark.django_db


def test_the_demo_shows_a_living_map():
    call_command("seed_demo")
    view = selectors.map_view("origin", "", selectors.default_period())
    shown = [p for p in view.provinces if p.figure.value]
    hidden = [p for p in view.provinces if p.figure.hidden]
    assert len(shown) >= 4 and len(hidden) >= 2
    assert QuarterlyReport.objects.filter(status="frozen").count() == 1
    assert PostedNeed.objects.filter(state="approved").count() >= 2 and Challenge.objects.count() >= 3
    assert selectors.last_refresh() is not None
