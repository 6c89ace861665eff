"""The coordinators' queue helps triage: open referrals by default, sorted by urgency or time waited (keyset pages in
each order), a declined emergency marked, and suggestions one click away (never the secretariat itself)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from referrals import queue, selectors
from referrals import services as referral_services
from referrals.choices import ReferralStatus, Urgency
from referrals.models import QUEUE_OPEN, Referral

pytestmark = pytest.mark.django_db

# (urgency, hours ago, status)
SHAPE = [
    (Urgency.ROUTINE, 50, ReferralStatus.SENT),
    (Urgency.EMERGENCY, 2, ReferralStatus.SENT),
    (Urgency.URGENT, 30, ReferralStatus.ACCEPTED),
    (Urgency.EMERGENCY, 10, ReferralStatus.DECLINED),
    (Urgency.ROUTINE, 5, ReferralStatus.COMPLETED),
    (Urgency.URGENT, 1, ReferralStatus.CANCELLED),
    (Urgency.ROUTINE, 70, ReferralStatus.SENT),
]


@pytest.fixture
def network(alice, case_a, org_b):
    made = []
    now = timezone.now()
    for urgency, hours, status in SHAPE:
        referral = referral_services.referral_send(
            actor=alice,
            case=case_a,
            to_org=org_b,
            services=["shelter"],
            urgency=urgency,
            reason="Butuh rumah aman. (rekaan)",
            sections=["identity"],
        )
        # Shaped directly: the services' own transitions are tested elsewhere; here only the order matters.
        Referral.objects.filter(pk=referral.pk).update(
            sent_at=now - timedelta(hours=hours), status=status, deadline=now + timedelta(hours=24)
        )
        made.append(Referral.objects.get(pk=referral.pk))
    return made


def walk(sort: str, filters: queue.QueueFilters, size: int = 2) -> list[queue.Row]:
    seen: list[queue.Row] = []
    cursor = ""
    filters.sort = sort
    for _ in range(20):
        page = queue.page(filters, cursor, size=size)
        seen += page.items
        cursor = page.next_cursor
        if not cursor:
            break
    return seen


def test_open_referrals_by_default_finished_behind_a_filter(network):
    default = walk("urgency", queue.QueueFilters())
    assert {r.status for r in default} == {ReferralStatus.SENT, ReferralStatus.ACCEPTED, ReferralStatus.DECLINED}
    assert len(default) == 5
    finished = walk("urgency", queue.QueueFilters(show="finished"))
    assert {r.status for r in finished} == {ReferralStatus.COMPLETED, ReferralStatus.CANCELLED}
    assert len(walk("newest", queue.QueueFilters(show="all"))) == len(SHAPE)


def test_each_sort_pages_through_every_row_once_in_order(network):
    filters = queue.QueueFilters(show="all")
    by_urgency = walk("urgency", filters)
    rank = {Urgency.EMERGENCY: 0, Urgency.URGENT: 1, Urgency.ROUTINE: 2}
    assert [(rank[r.urgency], r.sent_at) for r in by_urgency] == sorted((rank[r.urgency], r.sent_at) for r in network)
    waited = walk("waited", filters)
    assert [r.sent_at for r in waited] == sorted(r.sent_at for r in network)
    newest = walk("newest", filters)
    assert [r.sent_at for r in newest] == sorted((r.sent_at for r in network), reverse=True)
    for rows in (by_urgency, waited, newest):
        assert len({r.pk for r in rows}) == len(SHAPE)


def test_a_broken_cursor_gives_the_first_page(network):
    first = queue.page(queue.QueueFilters(sort="urgency"), "", size=2)
    for junk in ["x", "1_2_3", "9_1e400_00000000-0000-0000-0000-000000000000", "1700000000.000000_nope"]:
        page = queue.page(queue.QueueFilters(sort="urgency"), junk, size=2)
        assert [r.pk for r in page.items] == [r.pk for r in first.items]


def test_the_queue_page_marks_a_declined_emergency_and_sorts(client_for, carol, network):
    client = client_for(carol)
    text = client.get(reverse("referrals:queue")).content.decode()
    declined = next(r for r in network if r.status == ReferralStatus.DECLINED)
    assert text.count('data-testid="declined-emergency"') == 1
    assert declined.reference in text
    completed = next(r for r in network if r.status == ReferralStatus.COMPLETED)
    assert completed.reference not in text, "finished referrals are behind a filter"
    assert completed.reference in client.get(reverse("referrals:queue"), {"show": "finished"}).content.decode()
    waited = client.get(reverse("referrals:queue"), {"sort": "waited"}).content.decode()
    oldest = max((r for r in network if r.status in QUEUE_OPEN), key=lambda r: timezone.now() - r.sent_at)
    first_ref = next(
        r.reference
        for r in network
        if r.reference in waited
        and waited.index(r.reference) == min(waited.index(x.reference) for x in network if x.reference in waited)
    )
    assert first_ref == oldest.reference


@pytest.mark.parametrize("sort", ["urgency", "waited", "newest"])
def test_statements_per_queue_page_do_not_grow_with_rows(client_for, carol, alice, case_a, org_b, network, sort):
    client = client_for(carol)
    url = reverse("referrals:queue")
    client.get(url, {"sort": sort})
    with CaptureQueriesContext(connection) as few:
        client.get(url, {"sort": sort, "show": "all"})
    for _ in range(4):
        referral_services.referral_send(
            actor=alice,
            case=case_a,
            to_org=org_b,
            services=["shelter"],
            urgency="urgent",
            reason="Butuh rumah aman. (rekaan)",
            sections=["identity"],
        )
    with CaptureQueriesContext(connection) as more:
        client.get(url, {"sort": sort, "show": "all"})
    assert len(more) == len(few)


def test_suggestions_are_radios_and_never_the_secretariat(client_for, carol, bob, referral, org_c, network_org):
    declined = referral_services.referral_decline(actor=bob, referral=referral, reason="no_capacity")
    suggested = [org for org, _km, _offers in selectors.suggested_organisations(declined)]
    assert org_c in suggested and network_org not in suggested
    text = client_for(carol).get(reverse("referrals:referral_reassign", args=[declined.pk])).content.decode()
    assert f'type="radio" name="to_org" value="{org_c.pk}"' in text
    assert f'value="{network_org.pk}"' not in text
