"""The queue's one written-out statement (referrals/queue.py) pages through exactly the referrals each filter
selects, in each order, every row once: checked against the referrals filtered and sorted in Python."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from casework import services as case_services
from referrals import queue, services
from referrals.choices import ReferralStatus, Urgency
from referrals.models import QUEUE_OPEN, Referral
from tests.cases import open_case

pytestmark = pytest.mark.django_db
RANK = {Urgency.EMERGENCY: 0, Urgency.URGENT: 1, Urgency.ROUTINE: 2}
STATUSES = [ReferralStatus.SENT, ReferralStatus.ACCEPTED, ReferralStatus.DECLINED, ReferralStatus.COMPLETED]


@pytest.fixture
def network(alice, bob, org_b, org_c):
    """Referrals of two provinces' cases to two organisations, in every status and urgency, some overdue, some sent
    at the very same moment (the id decides between them)."""
    cases = []
    for province in ("31", "53"):
        case = open_case(alice, origin_province=province)
        case_services.consent_give(actor=alice, case=case, kind="sharing", given_on=date(2026, 1, 1), given_by="person")
        cases.append(case)
    now = timezone.now().replace(microsecond=0)
    shapes = itertools.product(cases, (org_b, org_c), list(Urgency), STATUSES)
    for number, (case, to_org, urgency, status) in enumerate(shapes):
        referral = services.referral_send(
            actor=alice,
            case=case,
            to_org=to_org,
            services=["shelter"] if number % 2 else ["legal_aid", "medical"],
            urgency=urgency,
            reason="rekaan",
        )
        Referral.objects.filter(pk=referral.pk).update(
            status=status,
            sent_at=now - timedelta(hours=number % 5),  # five moments, each shared by several referrals
            deadline=now + timedelta(hours=(number % 3) * 10 - 10),  # a third overdue
            answered_at=None if status == ReferralStatus.SENT else now - timedelta(minutes=number),
        )
    return list(Referral.objects.select_related("case", "from_org", "to_org"))


def _selected(referral, filters, now):
    if filters.status:
        shown = referral.status == filters.status
    else:
        shown = {"open": referral.status in QUEUE_OPEN, "finished": referral.status not in QUEUE_OPEN}.get(
            filters.show, True
        )
    return (
        shown
        and (not filters.urgency or referral.urgency == filters.urgency)
        and (not filters.overdue or (referral.status == ReferralStatus.SENT and referral.deadline < now))
        and (not filters.from_org or referral.from_org_id == filters.from_org)
        and (not filters.to_org or referral.to_org_id == filters.to_org)
        and (not filters.province or referral.case.origin_province == filters.province)
        and (not filters.service or filters.service in referral.services)
    )


def _expected(network, filters):
    now = timezone.now()
    chosen = [r for r in network if _selected(r, filters, now)]
    if filters.sort == "urgency":
        chosen.sort(key=lambda r: (RANK[r.urgency], r.sent_at, r.pk))
    elif filters.sort == "waited":
        chosen.sort(key=lambda r: (r.sent_at, r.pk))
    else:
        chosen.sort(key=lambda r: (r.sent_at, r.pk), reverse=True)
    return chosen


def _walk(filters, size=3):
    rows, cursor = [], ""
    for _ in range(100):
        page = queue.page(filters, cursor, size=size)
        assert len(page.items) <= size
        rows += page.items
        cursor = page.next_cursor
        if not cursor:
            return rows
    raise AssertionError("the pages never end")


FILTERS = [
    {},
    {"show": "all"},
    {"show": "finished"},
    {"status": ReferralStatus.DECLINED},
    {"urgency": Urgency.EMERGENCY, "show": "all"},
    {"overdue": True},
    {"province": "53"},
    {"service": "medical", "show": "all"},
    {"service": "legal"},  # not a code of its own: "legal_aid" holds it only as a part
    {"to_org": "org_c"},
    {"from_org": "org_a", "urgency": Urgency.URGENT, "province": "31"},
]


@pytest.mark.parametrize("sort", ["urgency", "waited", "newest"])
@pytest.mark.parametrize("given", FILTERS)
def test_every_filter_and_order_pages_through_what_python_selects(request, network, given, sort):
    given = {
        name: request.getfixturevalue(value).pk if name.endswith("_org") else value for name, value in given.items()
    }
    filters = queue.QueueFilters(sort=sort, **given)
    found = _walk(filters)
    expected = _expected(network, filters)
    assert [row.pk for row in found] == [r.pk for r in expected]
    for row, referral in zip(found, expected, strict=True):
        assert (row.reference, row.status, row.urgency, row.deadline, row.sent_at, row.services) == (
            referral.reference,
            referral.status,
            referral.urgency,
            referral.deadline,
            referral.sent_at,
            referral.services,
        )
        assert (row.from_code, row.to_code, row.case_id, row.province) == (
            referral.from_org.code,
            referral.to_org.code,
            referral.case_id,
            referral.case.origin_province,
        )
        assert (row.is_overdue, row.consent_override, row.allowed_time) == (
            referral.is_overdue,
            referral.consent_override,
            referral.allowed_time,
        )
    if given == {"show": "all"}:
        assert len(found) == len(network)


def test_the_page_shows_a_filtered_page_and_links_the_next(client_for, carol, network):
    response = client_for(carol).get(reverse("referrals:queue"), {"show": "all", "sort": "newest"})
    html = response.content.decode()
    rows = response.context["rows"]
    assert len(rows) == 25 and all(row["referral"].reference in html for row in rows)
    cursor = response.context["page"].next_cursor
    assert cursor and f"after={cursor}" in html
    following = client_for(carol).get(reverse("referrals:queue"), {"show": "all", "sort": "newest", "after": cursor})
    shown = [row["referral"].pk for row in rows] + [row["referral"].pk for row in following.context["rows"]]
    assert shown == [r.pk for r in _expected(network, queue.QueueFilters(show="all", sort="newest"))]
