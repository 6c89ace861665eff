"""One door into cases: Django's ``has_perm`` with a case asks the gate, so it can never disagree with
``visible_cases``/``get_case_for`` (guardian's own backend, which reads grant rows alone, is not installed)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.http import Http404

from accounts import services as account_services
from accounts.choices import Role
from casework import selectors
from casework.models import Case
from referrals import services as referral_services
from tests.cases import open_case

pytestmark = pytest.mark.django_db

PERMS = ["casework.view_case", "casework.change_case", "casework.view_case_identity", "casework.view_case_notes"]
ACTION = {
    "casework.view_case": "view",
    "casework.change_case": "change",
    "casework.view_case_identity": "view_identity",
    "casework.view_case_notes": "view_notes",
}


def gate_allows(user, case: Case, action: str) -> bool:
    try:
        selectors.get_case_for(user, case.pk, action)
    except Http404:
        return False
    return True


def fresh(user):
    return type(user).objects.get(pk=user.pk)  # no cached membership or permissions


def test_no_backend_answers_object_permissions_without_the_gate():
    assert "guardian.backends.ObjectPermissionBackend" not in settings.AUTHENTICATION_BACKENDS
    assert "casework.backends.CaseAccessBackend" in settings.AUTHENTICATION_BACKENDS


def test_has_perm_agrees_with_the_gate_for_the_whole_cast_on_every_kind_of_case(
    alice, anna, bob, cecep, carol, dave, case_a, restricted_case, org_b
):
    other = open_case(bob, name="Kasus B Rekaan")
    referred = referral_services.referral_send(
        actor=alice,
        case=case_a,
        to_org=org_b,
        services=["shelter"],
        urgency="urgent",
        reason="x",
        sections=["identity"],
    )
    referral_services.referral_accept(actor=bob, referral=referred)
    cases = {"own": case_a, "other": other, "restricted": restricted_case}
    for user in (alice, anna, bob, cecep, carol, dave):
        for kind, case in cases.items():
            visible = selectors.visible_cases(user).filter(pk=case.pk).exists()
            assert fresh(user).has_perm("casework.view_case", case) == visible, (user.username, kind)
            for perm in PERMS:
                assert fresh(user).has_perm(perm, case) == gate_allows(user, case, ACTION[perm]), (
                    user.username,
                    kind,
                    perm,
                )
    # The referred case: bob sees the shared identity, not the whole case, and cannot change it.
    assert fresh(bob).has_perm("casework.view_case_identity", case_a)
    assert not fresh(bob).has_perm("casework.view_case_notes", case_a)
    assert not fresh(bob).has_perm("casework.change_case", case_a)
    # Nothing else is answered for objects.
    assert not fresh(alice).has_perm("accounts.change_user", alice)


@pytest.mark.parametrize("change", ["suspended", "moved", "role_changed"])
def test_has_perm_on_a_restricted_case_ends_with_the_membership(change, alice, anna, restricted_case, org_b):
    from casework import access

    access.grant_owner(restricted_case, [alice, anna])  # anna named too, so that alice may move
    assert fresh(alice).has_perm("casework.view_case", restricted_case)
    membership = alice.membership
    if change == "suspended":
        account_services.membership_set(
            actor=None, user=alice, organisation=membership.organisation, role=Role.CASEWORKER, is_active=False
        )
    elif change == "moved":
        account_services.membership_set(actor=None, user=alice, organisation=org_b, role=Role.CASEWORKER)
    else:
        account_services.membership_set(
            actor=None, user=alice, organisation=membership.organisation, role=Role.COORDINATOR
        )
    assert not fresh(alice).has_perm("casework.view_case", restricted_case)
    assert not selectors.visible_cases(fresh(alice)).filter(pk=restricted_case.pk).exists()
    assert fresh(anna).has_perm("casework.view_case", restricted_case)


def test_coordinators_and_admins_hold_no_object_permission_even_with_a_lingering_grant(carol, dave, case_a):
    from casework.access import _perm
    from casework.models import CaseUserObjectPermission

    for user in (carol, dave):
        CaseUserObjectPermission.objects.create(content_object=case_a, user=user, permission=_perm("view_case"))
        assert not fresh(user).has_perm("casework.view_case", case_a)
        assert not fresh(user).has_perm("casework.view_case")
