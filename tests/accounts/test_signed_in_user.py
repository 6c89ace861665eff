"""The signed-in user's one written-out statement (accounts.backends.signed_in_user) gives what the ORM gives: the
user, the membership and organisation (or none), whether the user has a confirmed device of each kind and whether the
session's device is the user's and confirmed; nothing for a user that does not exist."""

import pytest
from django.db.models import Exists, OuterRef
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.backends import SESSION_DEVICE_OK, device_annotation, device_classes, device_model, signed_in_user
from accounts.models import Membership, Organisation, User

pytestmark = pytest.mark.django_db


def _orm(user_id, persistent_id=None):
    annotations = {
        device_annotation(model): Exists(model.objects.filter(user=OuterRef("pk"), confirmed=True))
        for model in device_classes()
    }
    named = device_model(persistent_id) if persistent_id else None
    if named is not None:
        model, pk = named
        annotations[SESSION_DEVICE_OK] = Exists(model.objects.filter(pk=pk, user=OuterRef("pk"), confirmed=True))
    return User.objects.select_related("membership__organisation").annotate(**annotations).filter(pk=user_id).first()


def _fields(instance):
    return {f.attname: getattr(instance, f.attname) for f in type(instance)._meta.concrete_fields}


@pytest.fixture
def cast(alice, bob, carol, dave):
    loner = User.objects.create_user("tanpa.organisasi", password="kata-sandi-rekaan-12")
    with_device = TOTPDevice.objects.create(user=bob, name="authenticator", confirmed=True)
    unconfirmed = TOTPDevice.objects.create(user=carol, name="authenticator", confirmed=False)
    Organisation.objects.filter(pk=bob.organisation.pk).update(services="shelter,medical")
    Membership.objects.filter(user=carol).update(is_active=False)
    return {
        "users": [alice, bob, carol, dave, loner],
        "sessions": [None, with_device.persistent_id, unconfirmed.persistent_id, "nonsense", "otp_totp.nope/1"],
    }


def test_the_user_membership_organisation_and_devices_are_the_orms(cast):
    for user in cast["users"]:
        for session in cast["sessions"]:
            ours, theirs = signed_in_user(user.pk, session), _orm(user.pk, session)
            assert _fields(ours) == _fields(theirs)
            names = [device_annotation(model) for model in device_classes()]
            if session and device_model(session):
                names.append(SESSION_DEVICE_OK)
            assert {name: getattr(ours, name) for name in names} == {name: getattr(theirs, name) for name in names}
            if theirs.active_membership is None and not hasattr(theirs, "membership"):
                assert not hasattr(ours, "membership")
            else:
                assert _fields(ours.membership) == _fields(theirs.membership)
                assert _fields(ours.membership.organisation) == _fields(theirs.membership.organisation)
                assert ours.membership.user is ours
    bob = cast["users"][1]
    assert signed_in_user(bob.pk).organisation.services == ["shelter", "medical"]  # a field of the project's own


def test_a_device_counts_only_confirmed_and_only_its_owners(cast):
    alice, bob, carol = cast["users"][:3]
    bobs = cast["sessions"][1]
    assert getattr(signed_in_user(bob.pk, bobs), SESSION_DEVICE_OK) is True
    assert getattr(signed_in_user(alice.pk, bobs), SESSION_DEVICE_OK) is False  # another user's device
    assert getattr(signed_in_user(carol.pk, cast["sessions"][2]), SESSION_DEVICE_OK) is False  # not confirmed
    assert not hasattr(signed_in_user(bob.pk, "nonsense"), SESSION_DEVICE_OK)


def test_no_user_for_an_id_that_names_none(cast):
    assert signed_in_user(10**9) is None
    assert signed_in_user("not-a-number") is None


def test_the_shell_takes_its_user_from_one_statement(client_for, alice):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    client = client_for(alice)
    client.get(reverse("accounts:account"))
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("accounts:account"))
    assert response.status_code == 200 and alice.username in response.content.decode()
    assert len(captured.captured_queries) == 1
