"""The case list's pages (selectors.case_list_page): on PostgreSQL each page is cut from the two disjoint parts of
the visible cases before the rows are read; paging through must give exactly ``filtered_cases``, in its order,
each case once, for every user of the cast and every filter."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from casework import selectors
from casework.choices import CaseStatus, ConsentGivenBy, ConsentKind, RiskLevel
from casework.models import Case
from referrals import services as referral_services
from tests.cases import backdate, open_case

pytestmark = pytest.mark.django_db


def _all_pages(user, filters, size):
    seen, cursor, pages = [], "", 0
    while True:
        page = selectors.case_list_page(user, filters, cursor, size=size)
        seen += [case.pk for case in page.items]
        pages += 1
        assert pages < 50, "the cursor does not move"
        if not page.next_cursor:
            return seen
        cursor = page.next_cursor


def test_paging_through_gives_exactly_the_filtered_cases_for_each_user(alice, anna, bob, cecep, carol, org_b, case_a):
    now = timezone.now()
    mine = [open_case(alice, risk_level=RiskLevel.HIGH if n % 2 else RiskLevel.LOW) for n in range(5)]
    restricted = open_case(alice, name="Terbatas Rekaan", restricted=True, named=[alice])
    theirs = [open_case(bob) for _ in range(4)]
    shared = case_a  # with the person's consent to share
    referral = referral_services.referral_send(
        actor=alice, case=shared, to_org=org_b, services=["shelter"], urgency="urgent", reason="x", sections=[]
    )
    referral_services.referral_accept(actor=bob, referral=referral)
    # Interleave the shared case among bob's own in time, two cases at the same instant (the id breaks the tie).
    for number, case in enumerate([*theirs, *mine, restricted, case_a]):
        backdate(case, now - timedelta(hours=number))
    backdate(shared, now - timedelta(hours=1))
    Case.objects.filter(pk=mine[0].pk).update(status=CaseStatus.CLOSED)
    today = timezone.localdate()
    for case, follow_up in ((mine[0], today), (mine[1], today), (mine[2], today - timedelta(days=3)), (shared, today)):
        Case.objects.filter(pk=case.pk).update(next_follow_up=follow_up)  # the first closed: never due
    Case.objects.filter(pk=theirs[0].pk).update(next_follow_up=today - timedelta(days=1))
    Case.objects.filter(pk=theirs[1].pk).update(next_follow_up=today + timedelta(days=5))

    filters = [
        selectors.CaseFilters(),
        selectors.CaseFilters(risk_level=RiskLevel.HIGH),
        selectors.CaseFilters(open_only=True),
        selectors.CaseFilters(mine=True),
        selectors.CaseFilters(restricted=True),
        selectors.CaseFilters(search_ids=[shared.pk, theirs[0].pk, restricted.pk]),
        selectors.CaseFilters(search_ids=[str(shared.pk), str(mine[1].pk)]),  # as the session keeps them
        selectors.CaseFilters(search_ids=[]),
        selectors.CaseFilters(status=CaseStatus.CLOSED),
        selectors.CaseFilters(follow_up_due=True),
        selectors.CaseFilters(follow_up="today"),
        selectors.CaseFilters(follow_up="overdue"),
        selectors.CaseFilters(mine=True, risk_level=RiskLevel.HIGH, open_only=True),
    ]
    for user in (alice, anna, bob, cecep, carol):
        for chosen in filters:
            expected = list(selectors.filtered_cases(user, chosen).values_list("pk", flat=True))
            for size in (1, 2, 25):
                assert _all_pages(user, chosen, size) == expected, (user.username, chosen, size)
    # What the parts must and must not hold, spelled out for the plain list.
    assert set(_all_pages(bob, selectors.CaseFilters(), 2)) == {*(c.pk for c in theirs), shared.pk}
    assert restricted.pk in _all_pages(alice, selectors.CaseFilters(), 2)
    assert restricted.pk not in _all_pages(anna, selectors.CaseFilters(), 2)
    assert _all_pages(carol, selectors.CaseFilters(), 2) == []


def test_pages_through_many_shared_cases_in_order_whatever_the_filter(alice, bob, org_b):
    """The shared part is cut by the opening time its grants carry: interleaved with the receiver's own cases, some
    at the same instant, it pages exactly as ``filtered_cases`` orders, on every filter that reads the case."""
    now = timezone.now()
    consent = {"kind": ConsentKind.SHARING, "given_on": date(2026, 1, 5), "given_by": ConsentGivenBy.PERSON}
    sent = [
        open_case(alice, consents=[consent], risk_level=RiskLevel.HIGH if n % 2 else RiskLevel.LOW) for n in range(6)
    ]
    own = [open_case(bob, risk_level=RiskLevel.HIGH if n % 2 else RiskLevel.LOW) for n in range(5)]
    for case in sent:
        referral = referral_services.referral_send(
            actor=alice, case=case, to_org=org_b, services=["shelter"], urgency="urgent", reason="x", sections=[]
        )
        referral_services.referral_accept(actor=bob, referral=referral)
    for number, case in enumerate([*sent, *own]):
        backdate(case, now - timedelta(hours=number % 7))  # pairs at the same hour: the id breaks the tie
    Case.objects.filter(pk=sent[1].pk).update(status=CaseStatus.CLOSED)
    for chosen in (
        selectors.CaseFilters(),
        selectors.CaseFilters(risk_level=RiskLevel.HIGH),
        selectors.CaseFilters(open_only=True),
        selectors.CaseFilters(mine=True),
    ):
        expected = list(selectors.filtered_cases(bob, chosen).values_list("pk", flat=True))
        for size in (1, 2, 3, 25):
            assert _all_pages(bob, chosen, size) == expected, (chosen, size)
    everything = _all_pages(bob, selectors.CaseFilters(), 2)
    assert set(everything) == {c.pk for c in [*sent, *own]}
    assert len(everything) == len(set(everything))
