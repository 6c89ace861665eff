"""The inbox's one written-out statement (referrals/inbox.py) lists what the ORM lists: the same referrals in the same
order, cut to the same sizes, for the receiver, the sender, a colleague not named on a restricted case and those who
reach no case; and the page shows them."""

from datetime import date, timedelta

import pytest
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from casework import access as case_access
from casework import services as case_services
from referrals import inbox, services
from referrals.models import Referral
from tests.cases import open_case


def _orm_lists(user):
    """The lists as the ORM built them before they were written out."""
    if not case_access.may_reach_cases(user):
        return {name: [] for name in inbox.LISTS}
    organisation = user.organisation
    named = Referral.objects.filter(
        case__caseuserobjectpermission__user=user,
        case__caseuserobjectpermission__permission__codename=case_access.FULL_VIEW,
        case__owner=organisation,
    ).values("case_id")
    ours = Referral.objects.filter(from_org=organisation).filter(Q(case__is_restricted=False) | Q(case_id__in=named))
    theirs = Referral.objects.filter(to_org=organisation)
    return {
        "incoming": list(theirs.filter(status="sent").order_by("deadline", "id")[: inbox.SIZE["incoming"]]),
        "in_progress": list(theirs.filter(status="accepted").order_by("-sent_at", "-id")[: inbox.SIZE["in_progress"]]),
        "outgoing": list(ours.order_by("-sent_at", "-id")[: inbox.SIZE["outgoing"]]),
    }


def _consented(actor, **kwargs):
    case = open_case(actor, **kwargs)
    case_services.consent_give(actor=actor, case=case, kind="sharing", given_on=date(2026, 1, 1), given_by="person")
    return case


@pytest.fixture
def network(alice, anna, bob, cecep, org_b, org_c):
    """Referrals both ways in every status, of open and restricted cases, more than a list shows."""
    open_cases = [_consented(alice) for _ in range(3)]
    secret = _consented(alice, restricted=True, named=[alice])
    made = []
    for number in range(inbox.SIZE["outgoing"] + 4):
        case = secret if number % 5 == 0 else open_cases[number % 3]
        made.append(
            services.referral_send(
                actor=alice, case=case, to_org=org_b, services=["shelter"], urgency="routine", reason="rekaan"
            )
        )
    back = _consented(bob)
    for number in range(4):
        made.append(
            services.referral_send(
                actor=bob,
                case=back,
                to_org=org_c if number % 2 else alice.organisation,
                services=["legal_aid"],
                urgency="urgent" if number else "emergency",
                reason="rekaan",
            )
        )
    for number, referral in enumerate(made[:12]):
        if number % 3 == 0:
            services.referral_accept(actor=bob, referral=referral)
        elif number % 3 == 1:
            services.referral_decline(actor=bob, referral=referral, reason="no_capacity")
    # Deadlines and times apart (and two alike, so the id decides), as a busy network's are.
    now = timezone.now()
    for number, referral in enumerate(made):
        Referral.objects.filter(pk=referral.pk).update(
            sent_at=now - timedelta(hours=number % 17), deadline=now + timedelta(hours=(number * 7) % 23 - 5)
        )
    return made


@pytest.mark.parametrize("who", ["alice", "anna", "bob", "cecep", "carol"])
def test_the_lists_are_the_orms(request, network, who):
    user = request.getfixturevalue(who)
    found = inbox.lists(user)
    expected = _orm_lists(user)
    for name in inbox.LISTS:
        assert [row.pk for row in found[name]] == [r.pk for r in expected[name]], name
        for row, referral in zip(found[name], expected[name], strict=True):
            referral.refresh_from_db()
            assert (row.reference, row.urgency, row.status, row.deadline, row.sent_at) == (
                referral.reference,
                referral.urgency,
                referral.status,
                referral.deadline,
                referral.sent_at,
            )
            assert (row.from_code, row.to_code) == (referral.from_org.code, referral.to_org.code)
    if who == "alice":
        assert len(found["outgoing"]) == inbox.SIZE["outgoing"]
    if who == "anna":  # not named on the restricted case: its referrals are not hers to see
        assert found["outgoing"] and not any(r.pk in {m.pk for m in network[::5]} for r in found["outgoing"])
    if who == "bob":
        assert found["incoming"] and found["in_progress"]


def test_the_page_shows_the_lists(client_for, network, bob):
    response = client_for(bob).get(reverse("referrals:inbox"))
    html = response.content.decode()
    incoming = response.context["incoming"]
    assert incoming and all(row.reference in html for row in incoming)
    assert reverse("referrals:referral_detail", args=[incoming[0].pk]) in html
    assert incoming[0].status_label in html
