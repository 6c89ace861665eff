"""referrals.fetch reads a referral as the ORM's select_related reads it: every column of the referral, its case,
both organisations and its sender (referral_with_parties), or its row alone and its consent, locked (locked_row);
and the referral services that use them still see a referral answered meanwhile."""

import uuid

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from casework.models import CaseKey
from casework.vault import Vault
from referrals import fetch, selectors, services
from referrals.models import Referral

pytestmark = pytest.mark.django_db


def _fields(instance):
    return {f.attname: getattr(instance, f.attname) for f in type(instance)._meta.concrete_fields}


def test_the_referral_and_its_parties_are_the_orms(referral, accepted):
    ours = fetch.referral_with_parties(referral.pk)
    theirs = Referral.objects.select_related("case", "from_org", "to_org", "sent_by").get(pk=referral.pk)
    assert _fields(ours) == _fields(theirs)
    for name in ("case", "from_org", "to_org", "sent_by"):
        assert name in ours._state.fields_cache
        assert _fields(getattr(ours, name)) == _fields(getattr(theirs, name))
    assert ours.services == ["shelter"] and ours.sections == ["identity"] and ours.status == "accepted"


def test_the_case_key_read_with_it_opens_the_reason(referral):
    ours = fetch.referral_with_parties(referral.pk)
    assert ours.case.wrapped_key == CaseKey.objects.get(case=referral.case).wrapped
    assert Vault.for_case(ours.case).key() == Vault(referral.case_id).key()
    with CaptureQueriesContext(connection) as queries:
        assert selectors.reason_of(ours) == "Butuh rumah aman segera. (rekaan)"
    assert len(queries) == 0  # the key came with the referral


def test_no_referral_for_an_id_that_names_none(db):
    assert fetch.referral_with_parties(uuid.uuid4()) is None
    with pytest.raises(Referral.DoesNotExist):
        fetch.locked_row(uuid.uuid4())


def test_the_locked_row_and_its_consent_are_the_orms(referral):
    theirs = Referral.objects.select_related("consent").get(pk=referral.pk)
    alone = fetch.locked_row(referral.pk)
    assert _fields(alone) == _fields(theirs) and "consent" not in alone._state.fields_cache
    ours = fetch.locked_row(referral.pk, with_consent=True)
    assert _fields(ours) == _fields(theirs)
    assert ours.consent is not None and _fields(ours.consent) == _fields(theirs.consent)
    Referral.objects.filter(pk=referral.pk).update(consent=None, consent_override=True)
    assert fetch.locked_row(referral.pk, with_consent=True).consent is None


def test_a_referral_answered_after_its_page_was_read_is_seen_by_the_service(referral, bob, carol, org_c):
    """The page's referral is still "sent"; the locked row says it was accepted and completed meanwhile."""
    page = selectors.get_referral_for(carol, referral.pk)
    services.referral_accept(actor=bob, referral=referral)
    Referral.objects.filter(pk=referral.pk).update(status="completed")
    with pytest.raises(ValidationError):
        services.referral_reassign(actor=carol, referral=page, to_org=org_c, reason="rekaan")
    assert Referral.objects.get(pk=referral.pk).status == "completed"
    assert not Referral.objects.filter(reassigned_from=referral).exists()


@pytest.mark.postgres
def test_the_locked_row_is_locked_on_postgresql(referral):
    with CaptureQueriesContext(connection) as queries:
        fetch.locked_row(referral.pk, with_consent=True)
    assert queries[-1]["sql"].rstrip().endswith("FOR UPDATE OF r")


def _grants(case, organisation):
    from casework.models import CaseGroupObjectPermission

    return set(
        CaseGroupObjectPermission.objects.filter(content_object=case, group_id=organisation.group_id).values_list(
            "permission__codename", flat=True
        )
    )


def test_the_receivers_grants_change_only_when_an_accepted_referral_ends(alice, bob, carol, org_b, org_c, accepted):
    """A second referral of the case to the same organisation, moved or declined unanswered, leaves the grants of
    the first (accepted); the first reassigned, they go."""
    case = accepted.case
    held = _grants(case, org_b)
    assert held
    second = services.referral_send(
        actor=alice, case=case, to_org=org_b, services=["legal_aid"], urgency="routine", reason="rekaan"
    )
    with CaptureQueriesContext(connection) as queries:
        services.referral_reassign(actor=carol, referral=second, to_org=org_c, reason="rekaan")
    assert not any("objectpermission" in q["sql"] for q in queries)  # nothing of the grants read or written
    assert _grants(case, org_b) == held
    third = services.referral_send(
        actor=alice, case=case, to_org=org_b, services=["legal_aid"], urgency="routine", reason="rekaan"
    )
    services.referral_decline(actor=bob, referral=third, reason="no_capacity")
    assert _grants(case, org_b) == held
    services.referral_reassign(actor=carol, referral=accepted, to_org=org_c, reason="rekaan")
    assert _grants(case, org_b) == set()


@pytest.mark.parametrize("chosen", ["org_a", "org_b", "network_org", "99999999999999999999", "x", ""])
def test_a_reassignment_to_no_candidate_is_refused_and_the_page_offers_every_candidate(
    request, client_for, carol, referral, org_c, chosen
):
    """The posted organisation alone is read to check it; refused, the page lists the candidates as on a GET."""
    from django.urls import reverse

    value = str(request.getfixturevalue(chosen).pk) if chosen.startswith(("org_", "network_")) else chosen
    url = reverse("referrals:referral_reassign", args=[referral.pk])
    response = client_for(carol).post(url, {"to_org": value, "reason": "rekaan"})
    assert response.status_code == 200 and response.context["form"].errors["to_org"]
    assert [str(c[0]) for c in response.context["form"].fields["to_org"].choices] == [str(org_c.pk)]
    assert Referral.objects.get(pk=referral.pk).status == "sent"
    assert client_for(carol).post(url, {"to_org": str(org_c.pk), "reason": "rekaan"}).status_code == 302


def test_the_other_active_organisations_are_the_orms(org_a, org_b, org_c, network_org):
    """active_organisations_but: every active organisation but the two, by name, as the ORM's filter read them;
    or only the one named, when it is one of them."""
    from accounts.models import Organisation

    org_c.is_active = False
    org_c.save(update_fields=["is_active"])
    orm = list(Organisation.objects.filter(is_active=True).exclude(pk__in=[org_a.pk, org_b.pk]))
    read = fetch.active_organisations_but(org_a.pk, org_b.pk)
    assert [_fields(o) for o in read] == [_fields(o) for o in orm] and network_org in read and org_c not in read
    assert fetch.active_organisations_but(org_a.pk, org_b.pk, only=network_org.pk) == [network_org]
    assert fetch.active_organisations_but(org_a.pk, org_b.pk, only=org_a.pk) == []
    assert fetch.active_organisations_but(org_a.pk, org_b.pk, only=org_c.pk) == []  # not active
