"""A new session at every step of signing in: the key changes when the password is checked and again at the second
factor, so a session half signed in (or planted before) never becomes the verified one."""

import pytest
from django.conf import settings
from django.urls import reverse
from django_otp.oath import totp

from accounts.models import Authenticator as TOTPDevice
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def code_for(device):
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def _password(client, username):
    assert client.post(reverse("accounts:login"), {"username": username, "password": PASSWORD}).status_code == 302
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def test_the_session_key_changes_when_the_second_factor_is_verified(client, carol):
    before = _password(client, "carol")
    device = TOTPDevice.objects.get(user=carol)
    response = client.post(reverse("accounts:two_factor_verify"), {"token": code_for(device)})
    assert response.status_code == 302
    after = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert after != before
    assert client.get(reverse("home")).status_code == 200
    # The half-signed-in session is gone, not merely replaced in this browser.
    from importlib import import_module

    from django.contrib.sessions.backends.base import SessionBase

    store: SessionBase = import_module(settings.SESSION_ENGINE).SessionStore(session_key=before)
    assert not store.exists(before)


def test_the_session_key_changes_when_an_authenticator_is_enrolled(client, carol, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    TOTPDevice.objects.filter(user=carol).delete()
    before = _password(client, "carol")
    client.get(reverse("accounts:two_factor_setup"))
    device = TOTPDevice.objects.get(user=carol, confirmed=False)
    assert client.post(reverse("accounts:two_factor_setup"), {"token": code_for(device)}).status_code == 200
    assert client.cookies[settings.SESSION_COOKIE_NAME].value != before
    assert client.get(reverse("home")).status_code == 200
