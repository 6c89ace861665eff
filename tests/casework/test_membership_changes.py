"""Access follows the membership: a caseworker who moves to another organisation, and the caseworkers of an
organisation that is deactivated, reach none of the cases they reached before."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts import services as account_services
from accounts.choices import Role
from casework import access
from casework.access import caseworkers_with_access
from casework.models import CaseUserObjectPermission
from tests.cases import open_case

pytestmark = pytest.mark.django_db


def opens(client, case, tab="case_detail"):
    return client.get(reverse(f"casework:{tab}", args=[case.pk])).status_code


def listed(client):
    return [case.reference for case in client.get(reverse("casework:case_list")).context["page"].items]


@pytest.fixture
def shared_restricted(alice, anna):
    """A restricted case of organisation A on which alice and anna are named."""
    return open_case(alice, name="Rahasia Berdua (rekaan)", restricted=True, named=[alice, anna])


def test_a_caseworker_who_moves_keeps_nothing_of_the_restricted_cases_she_was_named_on(
    client_for, alice, anna, dave, org_b, shared_restricted
):
    case = shared_restricted
    assert opens(client_for(alice), case, "case_identity") == 200
    account_services.membership_set(actor=dave, user=alice, organisation=org_b, role=Role.CASEWORKER)
    client = client_for(alice)
    for tab in ["case_detail", "case_identity", "case_edit", "case_history"]:
        assert opens(client, case, tab) == 404, tab
    assert case.reference not in listed(client)
    assert not CaseUserObjectPermission.objects.filter(user=alice).exists(), "the named grant is gone"
    assert alice not in caseworkers_with_access([case.pk]).get(case.pk, [])
    assert opens(client_for(anna), case) == 200, "her colleague still holds it"


def test_a_grant_left_behind_still_opens_nothing_outside_the_users_organisation(
    client_for, alice, anna, dave, org_b, shared_restricted
):
    """Defence in depth: the gate itself counts a user's own grants only on cases of the user's organisation."""
    account_services.membership_set(actor=dave, user=alice, organisation=org_b, role=Role.CASEWORKER)
    access.grant_owner(shared_restricted, named_users=[alice, anna])  # as if the clean-up had been missed
    assert access.access_for(alice, shared_restricted) == access.NO_ACCESS
    assert opens(client_for(alice), shared_restricted) == 404
    assert alice not in caseworkers_with_access([shared_restricted.pk]).get(shared_restricted.pk, [])


def test_a_caseworker_who_becomes_coordinator_loses_her_named_grants(alice, dave, org_a, shared_restricted):
    account_services.membership_set(actor=dave, user=alice, organisation=org_a, role=Role.COORDINATOR)
    assert not CaseUserObjectPermission.objects.filter(user=alice).exists()


def test_a_suspended_membership_keeps_its_grants_unreachable_until_it_is_active_again(
    client_for, alice, dave, org_a, restricted_case
):
    account_services.membership_set(actor=dave, user=alice, organisation=org_a, role=Role.CASEWORKER, is_active=False)
    assert access.access_for(alice, restricted_case) == access.NO_ACCESS
    account_services.membership_set(actor=dave, user=alice, organisation=org_a, role=Role.CASEWORKER)
    assert opens(client_for(alice), restricted_case, "case_identity") == 200


def test_the_last_caseworker_named_on_a_restricted_case_may_not_move(
    client_for, alice, dave, org_a, org_b, restricted_case
):
    """Only a named caseworker can change who is named: moving the last one would leave the case to no one."""
    with pytest.raises(ValidationError) as refused:
        account_services.membership_set(actor=dave, user=alice, organisation=org_b, role=Role.CASEWORKER)
    assert restricted_case.reference in str(refused.value)
    membership = alice.membership
    data = {
        "username": "alice",
        "first_name": alice.first_name,
        "last_name": "",
        "email": alice.email,
        "language": alice.language,
        "is_active": "on",
        "membership-TOTAL_FORMS": "1",
        "membership-INITIAL_FORMS": "1",
        "membership-MIN_NUM_FORMS": "1",
        "membership-MAX_NUM_FORMS": "1",
        "membership-0-id": membership.pk,
        "membership-0-user": alice.pk,
        "membership-0-organisation": org_b.pk,
        "membership-0-role": Role.CASEWORKER,
        "membership-0-is_active": "on",
    }
    page = client_for(dave).post(reverse("admin:accounts_user_change", args=[alice.pk]), data)
    assert page.status_code == 200, "refused in the form, not a server error"
    assert restricted_case.reference in page.content.decode()
    alice.refresh_from_db()
    assert alice.membership.organisation == org_a and access.access_for(alice, restricted_case).full
    data["membership-0-organisation"] = org_a.pk  # the same membership, saved unchanged, is fine
    assert client_for(dave).post(reverse("admin:accounts_user_change", args=[alice.pk]), data).status_code == 302


def test_colleagues_named_on_a_case_of_their_own_organisation_keep_it(alice, anna, dave, org_a, shared_restricted):
    account_services.membership_set(actor=dave, user=anna, organisation=org_a, role=Role.CASEWORKER)
    assert access.access_for(anna, shared_restricted).full


def test_deactivating_an_organisation_in_the_admin_takes_its_caseworkers_access(
    client_for, alice, bob, dave, org_b, case_a, accepted
):
    own = open_case(bob, name="Kasus Milik B (rekaan)")
    assert opens(client_for(bob), own) == 200 and opens(client_for(bob), case_a) == 200

    def edit(is_active):
        data = {
            "name": org_b.name,
            "code": org_b.code,
            "kind": org_b.kind,
            "province": org_b.province,
            "services": ["shelter", "medical"],
        }
        if is_active:
            data["is_active"] = "on"
        response = client_for(dave).post(reverse("admin:accounts_organisation_change", args=[org_b.pk]), data)
        assert response.status_code == 302, response.context and response.context["adminform"].form.errors

    edit(is_active=False)
    org_b.refresh_from_db()
    assert not org_b.is_active and org_b.services == ["shelter", "medical"]
    assert bob not in org_b.group.user_set.all()
    client = client_for(bob)
    assert opens(client, own) == 404 and opens(client, case_a) == 404
    # Nor the referral it accepted: its reason and timeline notes are the case's too.
    assert client.get(reverse("referrals:referral_detail", args=[accepted.pk])).status_code == 404
    assert not any(client.get(reverse("referrals:inbox")).context[name] for name in ["incoming", "in_progress"])
    assert bob not in caseworkers_with_access([own.pk]).get(own.pk, [])

    edit(is_active=True)
    assert opens(client_for(bob), own) == 200, "reactivating gives the access back"
