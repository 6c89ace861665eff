"""The grants on a case held by another organisation than its owner come only by referral, as the summary and the
shared sections together (access.grant_sections, revoke_sections); the owner's permissions stay with the owner's
group and named users (access.grant_owner). The shared part of the visible cases (access.cases_with_parts, the
case list's and home's second part) reads the summary's grants alone because of it: through a referral's whole
life, that part is exactly the cases the gate lets the user open that another organisation owns."""

from __future__ import annotations

import pytest

from casework import access
from casework.models import Case, CaseGroupObjectPermission, Consent
from casework.services import consent_withdraw
from referrals import services as referral_services
from referrals.choices import DeclineReason, Outcome

pytestmark = pytest.mark.django_db

OWNER = {access.FULL_VIEW, access.CHANGE}
SECTIONS = set(access.SECTION_PERMISSIONS.values())
SUMMARY = access.SECTION_PERMISSIONS["summary"]


def _grants_hold_to_the_rule() -> None:
    held: dict[tuple, set[str]] = {}
    owners = dict(Case.objects.values_list("pk", "owner__group_id"))
    opened = dict(Case.objects.values_list("pk", "created_at"))
    for case_id, group_id, codename, copied in CaseGroupObjectPermission.objects.values_list(
        "content_object_id", "group_id", "permission__codename", "case_created_at"
    ):
        held.setdefault((case_id, group_id, owners[case_id] == group_id), set()).add(codename)
        # The case list pages the shared part by the copy (access.cases_with_parts): it must be the case's own.
        assert copied == opened[case_id], f"the grant of {codename} on {case_id} carries another opening time"
    for (case_id, group_id, owner), codenames in held.items():
        if owner:
            assert codenames <= OWNER, f"the owner's group holds a section grant on {case_id}: {codenames}"
        else:
            assert codenames <= SECTIONS, f"group {group_id} holds an owner's permission on {case_id}: {codenames}"
            assert SUMMARY in codenames, f"group {group_id} holds sections of {case_id} without its summary"


def _shared_part_is_the_gates(*users) -> None:
    for user in users:
        own, shared = access.cases_with_parts(user, *access.VISIBLE)
        gate = set(access.cases_with(user, *access.VISIBLE).values_list("pk", flat=True))
        theirs = set(Case.objects.filter(pk__in=gate).exclude(owner=user.organisation).values_list("pk", flat=True))
        assert set(shared.values_list("pk", flat=True)) == theirs, user.username
        assert set(own.values_list("pk", flat=True)) == gate - theirs, user.username


def _check(*users) -> None:
    _grants_hold_to_the_rule()
    _shared_part_is_the_gates(*users)


def test_through_a_referrals_life_the_shared_part_is_exactly_what_the_gate_opens(
    alice, anna, bob, cecep, case_a, org_b, org_c, carol
):
    users = (alice, anna, bob, cecep)
    first = referral_services.referral_send(
        actor=alice, case=case_a, to_org=org_b, services=["shelter"], urgency="urgent", reason="x", sections=[]
    )
    _check(*users)
    referral_services.referral_accept(actor=bob, referral=first)
    _check(*users)
    assert access.cases_with_parts(bob, *access.VISIBLE)[1].filter(pk=case_a.pk).exists()
    referral_services.referral_complete(actor=bob, referral=first, outcome=Outcome.SERVICE_GIVEN)
    _check(*users)

    second = referral_services.referral_send(
        actor=alice,
        case=case_a,
        to_org=org_c,
        services=["legal_aid"],
        urgency="routine",
        reason="x",
        sections=["identity", "narrative"],
    )
    referral_services.referral_decline(actor=cecep, referral=second, reason=DeclineReason.NO_CAPACITY)
    _check(*users)
    moved = referral_services.referral_reassign(actor=carol, referral=second, to_org=org_b, reason="x")
    referral_services.referral_accept(actor=bob, referral=moved)
    _check(*users)
    assert access.cases_with_parts(bob, *access.VISIBLE)[1].filter(pk=case_a.pk).exists()

    consent = Consent.objects.get(case=case_a, withdrawn_on__isnull=True)
    consent_withdraw(actor=alice, consent=consent)
    _check(*users)
    assert not access.cases_with_parts(bob, *access.VISIBLE)[1].filter(pk=case_a.pk).exists()


def test_without_a_section_asked_the_shared_part_reads_every_permission_asked(bob, case_a):
    """A grant no service makes (the owner's permission held by another organisation's group) is still found when
    only the owner's permissions are asked: the shortcut is taken only for sections."""
    CaseGroupObjectPermission.objects.create(
        content_object=case_a, group_id=bob.organisation.group_id, permission=access._perm(access.FULL_VIEW)
    )
    _own, shared = access.cases_with_parts(bob, access.FULL_VIEW)
    assert list(shared.values_list("pk", flat=True)) == [case_a.pk]


def test_a_grant_made_through_guardian_carries_its_cases_opening_time(case_a, org_b):
    from guardian.shortcuts import assign_perm

    grant = assign_perm(f"casework.{SUMMARY}", org_b.group, case_a)
    assert grant.case_created_at == case_a.created_at
    _grants_hold_to_the_rule()
