import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken

from accounts import two_factor
from accounts.models import Authenticator as TOTPDevice
from audit.models import AccessLog
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def code_for(device):
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def sign_in_with_password(client, username):
    response = client.post(reverse("accounts:login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return response


def test_a_coordinator_without_a_device_reaches_nothing_but_enrolment(client, carol):
    TOTPDevice.objects.filter(user=carol).delete()
    sign_in_with_password(client, "carol")
    for url in [reverse("home"), reverse("accounts:account"), reverse("admin:index")]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:two_factor_setup"))
    assert client.get(reverse("accounts:two_factor_setup")).status_code == 200


def test_enrolment_by_qr_code_turns_two_factor_on_and_shows_recovery_codes(client, carol, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # the wrong code below would otherwise delay the right one
    TOTPDevice.objects.filter(user=carol).delete()
    sign_in_with_password(client, "carol")
    page = client.get(reverse("accounts:two_factor_setup"))
    assert "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user=carol, confirmed=False)
    wrong = client.post(
        reverse("accounts:two_factor_setup"),
        {"token": "000000" if code_for(device) != "000000" else "111111"},
    )
    assert "tidak benar" in wrong.content.decode()
    done = client.post(reverse("accounts:two_factor_setup"), {"token": code_for(device)})
    assert done.status_code == 200
    assert len(done.context["codes"]) == 10
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("home")).status_code == 200


def test_a_coordinator_with_a_device_must_verify_a_code(client, carol):
    sign_in_with_password(client, "carol")
    response = client.get(reverse("home"))
    assert response["Location"].startswith(reverse("accounts:two_factor_verify"))
    # Enrolment cannot be used to replace the device without verifying first.
    assert client.get(reverse("accounts:two_factor_setup"))["Location"] == reverse("accounts:two_factor_verify")
    device = TOTPDevice.objects.get(user=carol)
    response = client.post(
        reverse("accounts:two_factor_verify") + "?next=/accounts/account/", {"token": code_for(device)}
    )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/account/"
    assert client.get(reverse("home")).status_code == 200


def test_repeated_wrong_codes_are_throttled(client, carol):
    sign_in_with_password(client, "carol")
    device = TOTPDevice.objects.get(user=carol)
    wrong = "123456" if code_for(device) != "123456" else "654321"
    for _ in range(two_factor.THROTTLE_GRACE):
        client.post(reverse("accounts:two_factor_verify"), {"token": wrong})
    # After a few failures even the right code is refused for a while: guessing 10^6 codes is slowed down. (One typo
    # corrected at once passes: tests/accounts/test_two_factor_grace.py.)
    assert client.post(reverse("accounts:two_factor_verify"), {"token": code_for(device)}).status_code == 200


def test_a_wrong_code_is_refused_and_logged(client, carol):
    sign_in_with_password(client, "carol")
    device = TOTPDevice.objects.get(user=carol)
    wrong = "123456" if code_for(device) != "123456" else "654321"
    response = client.post(reverse("accounts:two_factor_verify"), {"token": wrong})
    assert response.status_code == 200
    assert AccessLog.objects.filter(event=AccessLog.Event.SIGN_IN_FAILED, actor=carol, detail="second_factor").exists()
    assert client.get(reverse("home")).status_code == 302


def test_a_recovery_code_works_once(client, dave):
    codes = two_factor.new_recovery_codes(dave)
    sign_in_with_password(client, "dave")
    assert client.post(reverse("accounts:two_factor_verify"), {"token": codes[0].upper()}).status_code == 302
    assert client.get(reverse("home")).status_code == 200
    assert StaticToken.objects.filter(device__user=dave).count() == 9
    stored = set(StaticToken.objects.filter(device__user=dave).values_list("token", flat=True))
    assert not stored & {code.lower() for code in codes}, "recovery codes are stored only as keyed hashes"
    client.post(reverse("accounts:logout"))
    sign_in_with_password(client, "dave")
    again = client.post(reverse("accounts:two_factor_verify"), {"token": codes[0]})
    assert again.status_code == 200


def test_two_factor_is_optional_for_a_caseworker(client, alice):
    sign_in_with_password(client, "alice")
    assert client.get(reverse("home")).status_code == 200


def test_a_caseworker_who_enrolled_must_verify_and_may_turn_it_off(client, alice):
    device = TOTPDevice.objects.create(user=alice, name="authenticator", confirmed=True)
    sign_in_with_password(client, "alice")
    assert client.get(reverse("home"))["Location"].startswith(reverse("accounts:two_factor_verify"))
    client.post(reverse("accounts:two_factor_verify"), {"token": code_for(device)})
    response = client.post(reverse("accounts:two_factor_disable"))
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=alice).exists()


def test_a_coordinator_cannot_turn_two_factor_off(client_for, carol):
    client = client_for(carol)
    client.post(reverse("accounts:two_factor_disable"))
    assert TOTPDevice.objects.filter(user=carol).exists()


def test_the_demo_code_hint_appears_only_in_demo_mode_and_only_for_demo_accounts(client, carol, settings):
    sign_in_with_password(client, "carol")
    settings.DEMO_MODE = True
    assert client.get(reverse("accounts:two_factor_verify")).context["demo_code"] is None, "carol is no demo account"
    client.post(reverse("accounts:logout"))
    carol.username = "koordinator.satu"  # a name seed_demo gives
    carol.save()
    sign_in_with_password(client, "koordinator.satu")
    settings.DEMO_MODE = False
    assert client.get(reverse("accounts:two_factor_verify")).context["demo_code"] is None
    settings.DEMO_MODE = True
    device = TOTPDevice.objects.get(user=carol)
    assert client.get(reverse("accounts:two_factor_verify")).context["demo_code"] == code_for(device)


def test_a_database_copy_holds_no_working_recovery_code(client, dave):
    """What is stored of a recovery code, typed as a code, is refused (and counts as a failed attempt)."""
    two_factor.new_recovery_codes(dave)
    stored = StaticToken.objects.filter(device__user=dave).values_list("token", flat=True).first()
    sign_in_with_password(client, "dave")
    response = client.post(reverse("accounts:two_factor_verify"), {"token": stored})
    assert response.status_code == 200
    assert client.get(reverse("home")).status_code == 302
    assert AccessLog.objects.filter(event=AccessLog.Event.SIGN_IN_FAILED, actor=dave, detail="second_factor").exists()
