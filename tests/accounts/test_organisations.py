import pytest
from django.core.exceptions import ValidationError

from accounts import services
from accounts.choices import Role, ServiceType
from accounts.models import Organisation
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def test_each_organisation_has_its_own_group_holding_only_its_active_caseworkers(org_a, alice, carol, network_org):
    assert list(org_a.group.user_set.all()) == [alice]
    assert not network_org.group.user_set.exists(), "coordinators and admins carry no case grants"


def test_changing_a_role_or_organisation_keeps_groups_in_step(org_a, org_b, alice):
    services.membership_set(actor=None, user=alice, organisation=org_b, role=Role.CASEWORKER)
    assert list(alice.groups.all()) == [org_b.group]
    services.membership_set(actor=None, user=alice, organisation=org_b, role=Role.COORDINATOR)
    assert not alice.groups.exists()


def test_deactivating_a_user_removes_them_from_the_group(org_a, alice, dave):
    services.user_set_active(actor=dave, user=alice, is_active=False)
    assert not org_a.group.user_set.exists()
    assert alice.history.first().history_user == dave


def test_the_short_code_and_province_are_validated(db):
    with pytest.raises(ValidationError) as error:
        OrganisationFactory(code="yk7", province="99")
    assert set(error.value.message_dict) == {"code", "province"}


def test_services_offered_can_be_filtered_on_any_database(db):
    shelter = OrganisationFactory(services=[ServiceType.SHELTER, ServiceType.MEDICAL])
    OrganisationFactory(services=[ServiceType.LEGAL_AID])
    assert list(Organisation.objects.filter(services__has=ServiceType.SHELTER)) == [shelter]
    assert list(Organisation.objects.filter(services__has="shel")) == []
    shelter.refresh_from_db()
    assert shelter.services == ["shelter", "medical"]


def test_an_unknown_service_is_refused(db):
    with pytest.raises(ValidationError):
        OrganisationFactory(services=["teleportation"])


def test_history_records_who_changed_an_organisation(org_a, dave):
    org_a.name = "Organisasi A Baru (fiktif)"
    services.organisation_save(actor=dave, organisation=org_a)
    assert org_a.history.first().history_user == dave
