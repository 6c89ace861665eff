"""A typo corrected at once passes two-factor sign-in; repeated guessing is still slowed to a stop; the demo hint
never shows a code already used."""

import pytest
from django.urls import reverse

from accounts import two_factor
from accounts.models import Authenticator as TOTPDevice
from tests.accounts.test_two_factor import code_for, sign_in_with_password

pytestmark = pytest.mark.django_db


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def test_the_right_code_right_after_a_wrong_one_is_accepted(client, carol):
    sign_in_with_password(client, "carol")
    device = TOTPDevice.objects.get(user=carol)
    url = reverse("accounts:two_factor_verify")
    assert client.post(url, {"token": wrong(code_for(device))}).status_code == 200
    response = client.post(url, {"token": code_for(device)})
    assert response.status_code == 302, "the right code a second after a typo is accepted"


def test_many_wrong_codes_lock_the_authenticator_for_a_while(carol):
    device = TOTPDevice.objects.get(user=carol)
    for _ in range(two_factor.THROTTLE_GRACE + 2):
        assert two_factor.verify(carol, wrong(code_for(device))) is None
    assert two_factor.verify(carol, code_for(device)) is None, "after many failures even the right code waits"
    device.refresh_from_db()
    assert device.throttling_failure_count >= two_factor.THROTTLE_GRACE


def test_the_demo_hint_shows_the_next_code_once_the_current_one_is_used(client, carol, settings):
    settings.DEMO_MODE = True
    carol.username = "koordinator.satu"
    carol.save()
    device = TOTPDevice.objects.get(user=carol)
    assert two_factor.demo_hint(carol) == (code_for(device), 0)
    assert two_factor.verify(carol, code_for(device)) is not None
    code, wait = two_factor.demo_hint(carol)
    assert 1 <= wait <= device.step and code != code_for(device)
    sign_in_with_password(client, "koordinator.satu")
    page = client.get(reverse("accounts:two_factor_verify"))
    assert page.context["demo_code"] == code and page.context["demo_wait"] >= 1
