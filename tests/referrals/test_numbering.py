"""A case's referrals are numbered R1, R2, ... in the order they are sent, a reassignment taking the next number, and
two referrals of one case sent at once never take the same number (the case's row is locked while they are
counted: referrals.services._next_reference)."""

from datetime import date

import pytest
from django.db import connection

from casework import services as case_services
from referrals import services
from referrals.models import Referral
from tests.cases import open_case
from tests.threads import at_once


def _send(actor, case, to_org):
    return services.referral_send(
        actor=actor, case=case, to_org=to_org, services=["shelter"], urgency="routine", reason="rekaan"
    )


def _consented(actor):
    case = open_case(actor)
    case_services.consent_give(actor=actor, case=case, kind="sharing", given_on=date(2026, 1, 1), given_by="person")
    return case


@pytest.mark.django_db
def test_referrals_of_a_case_are_numbered_in_order_and_a_reassignment_takes_the_next(alice, bob, carol, org_b, org_c):
    case = _consented(alice)
    other = _consented(alice)
    first, second = _send(alice, case, org_b), _send(alice, case, org_c)
    elsewhere = _send(alice, other, org_b)
    services.referral_decline(actor=bob, referral=first, reason="no_capacity")
    moved = services.referral_reassign(actor=carol, referral=first, to_org=org_c, reason="rekaan")
    assert [first.reference, second.reference, moved.reference] == [f"{case.reference}/R{n}" for n in (1, 2, 3)]
    assert elsewhere.reference == f"{other.reference}/R1"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_referrals_of_one_case_sent_at_once_take_two_numbers(alice, org_b, org_c):
    if connection.vendor != "postgresql":
        pytest.fail("run with DATABASE_URL pointing to PostgreSQL")
    case = _consented(alice)

    def run(to_org):
        for _ in range(3):
            _send(alice, case, to_org)

    assert at_once(run, (org_b, org_c, org_b, org_c), timeout=120) == []
    references = sorted(Referral.objects.filter(case=case).values_list("reference", flat=True))
    assert references == sorted(f"{case.reference}/R{n}" for n in range(1, 13))
