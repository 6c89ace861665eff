"""The needs page lists a caseworker's own organisation's high-risk open cases with no service for 48 hours, by
reference, the oldest first and at most a page of them, with the count of all; never another organisation's."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from casework.models import Case
from casework.services.records import service_record_add
from tests.cases import backdate, open_case

pytestmark = pytest.mark.django_db


def _aged(case, days):
    backdate(case, timezone.now() - timedelta(days=days))
    return Case.objects.get(pk=case.pk)


def test_only_the_own_organisations_unserved_high_risk_cases_are_listed_oldest_first(
    alice, bob, client_for, monkeypatch
):
    from network.views import board as views

    monkeypatch.setattr(views, "UNSERVED_SHOWN", 2)
    oldest, older, old = (_aged(open_case(alice, risk_level="high"), days) for days in (9, 6, 3))
    # A cancelled service is no service: that case is among them (the third oldest of four).
    cancelled = _aged(open_case(alice, risk_level="high"), 4)
    service_record_add(
        actor=alice, case=cancelled, service_type="shelter", provider=alice.organisation, status="cancelled"
    )
    closed = _aged(open_case(alice, risk_level="high"), 7)
    Case.objects.filter(pk=closed.pk).update(status="closed")
    served = _aged(open_case(alice, risk_level="high"), 5)
    service_record_add(actor=alice, case=served, service_type="medical", provider=alice.organisation, status="planned")
    _aged(open_case(alice, risk_level="low"), 5)  # not high risk
    open_case(alice, risk_level="high")  # opened just now: not yet 48 hours
    elsewhere = _aged(open_case(bob, risk_level="high"), 8)

    page = client_for(alice).get(reverse("network:needs"))
    assert page.status_code == 200
    assert page.context["own_unserved_references"] == [oldest.reference, older.reference]
    assert page.context["own_unserved_total"] == 4
    text = page.content.decode()
    assert 'data-testid="own-unserved-more"' in text
    assert old.reference not in text and served.reference not in text and elsewhere.reference not in text
    assert cancelled.reference not in text and closed.reference not in text  # beyond the page; closed: never

    theirs = client_for(bob).get(reverse("network:needs"))
    assert theirs.context["own_unserved_references"] == [elsewhere.reference]
    assert 'data-testid="own-unserved-more"' not in theirs.content.decode()
    assert oldest.reference not in theirs.content.decode()


def test_a_restricted_case_is_listed_to_its_named_caseworkers_only(alice, anna, client_for):
    """A restricted case is for its named caseworkers alone: a colleague who is not named neither sees its
    reference nor finds it in the count, like everywhere else its existence would show."""
    plain = _aged(open_case(alice, risk_level="high"), 6)
    restricted = _aged(open_case(alice, risk_level="high", restricted=True, named=[alice]), 8)

    named = client_for(alice).get(reverse("network:needs"))
    assert named.context["own_unserved_references"] == [restricted.reference, plain.reference]
    assert named.context["own_unserved_total"] == 2

    colleague = client_for(anna).get(reverse("network:needs"))
    assert colleague.context["own_unserved_references"] == [plain.reference]
    assert colleague.context["own_unserved_total"] == 1
    assert restricted.reference not in colleague.content.decode()
