"""casework.fetch.case_with_people reads a case as the ORM's select_related("owner", "assigned_to") reads it: every
column of the case, its owner organisation and its assigned caseworker (or none), converted alike."""

import uuid

import pytest

from casework.fetch import case_with_people
from casework.models import Case
from tests.cases import open_case

pytestmark = pytest.mark.django_db


def _fields(instance):
    return {f.attname: getattr(instance, f.attname) for f in type(instance)._meta.concrete_fields}


def test_the_case_its_owner_and_caseworker_are_the_orms(alice):
    assigned = open_case(alice, exploitation_types=["forced_labour", "servitude"], origin_province="53")
    unassigned = open_case(alice)
    Case.objects.filter(pk=unassigned.pk).update(assigned_to=None, is_restricted=True)
    for case in (assigned, unassigned):
        ours = case_with_people(case.pk)
        theirs = Case.objects.select_related("owner", "assigned_to").get(pk=case.pk)
        assert _fields(ours) == _fields(theirs)
        assert _fields(ours.owner) == _fields(theirs.owner)
        assert (ours.assigned_to and _fields(ours.assigned_to)) == (theirs.assigned_to and _fields(theirs.assigned_to))
        assert "owner" in ours._state.fields_cache and "assigned_to" in ours._state.fields_cache
    assert case_with_people(assigned.pk).exploitation_types == ["forced_labour", "servitude"]
    assert case_with_people(unassigned.pk).assigned_to is None


def test_no_case_for_an_id_that_names_none(db):
    assert case_with_people(uuid.uuid4()) is None


def test_the_wrapped_key_read_with_the_case_opens_its_data_and_goes_when_the_key_is_destroyed(alice):
    from casework import crypto
    from casework.models import CaseKey
    from casework.vault import CASE, Vault, destroy_case_key

    case = open_case(alice, name="Contoh Fiktif")
    ours = case_with_people(case.pk)
    assert ours.wrapped_key == CaseKey.objects.get(case=case).wrapped and ours.wrapped_key
    assert Vault.for_case(ours).key() == Vault(case.pk).key()  # the same data key as read from its own row
    assert (
        Vault.for_case(ours).open_json(CASE, "identity_enc", case.pk, ours.identity_enc)["full_name"] == "Contoh Fiktif"
    )
    destroy_case_key(ours)
    assert not hasattr(ours, "wrapped_key")
    with pytest.raises(crypto.KeyDestroyed):
        Vault.for_case(ours).key()
    assert case_with_people(case.pk).wrapped_key == ""
