"""Second-factor secrets are stored only sealed under the master keys (issue 16, finding 5): a scan of the device
tables finds no secret, existing plaintext devices are sealed by the migration, codes still verify after
``rotate_master_key``, and a sealed secret copied into another user's row does not open."""

import base64
import importlib

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice as PlainTOTPDevice

from accounts import two_factor
from accounts.models import Authenticator
from core import crypto

pytestmark = pytest.mark.django_db

NEW_KEY = base64.b64encode(b"n" * 32).decode()


def code_for(device):
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def table_text(table):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table}")
        return " ".join(str(value) for row in cursor.fetchall() for value in row).lower()


def secret_forms(device):
    raw = device.bin_key
    return {raw.hex(), base64.b32encode(raw).decode().lower().rstrip("="), base64.b64encode(raw).decode().lower()}


def test_no_totp_secret_is_in_the_device_tables(carol, dave):
    devices = list(Authenticator.objects.filter(user__in=[carol, dave]))
    assert len(devices) == 2
    text = table_text("accounts_authenticator") + table_text("otp_totp_totpdevice")
    for device in devices:
        for form in secret_forms(device):
            assert form not in text
        assert device.key_sealed.startswith(crypto.current_master_key_id() + ":")


def test_the_migration_seals_existing_plaintext_devices(alice):
    plain = PlainTOTPDevice.objects.create(user=alice, name="old phone", confirmed=True)
    secret = plain.bin_key
    migration = importlib.import_module("accounts.migrations.0002_sealed_authenticators")
    migration.seal_existing(apps, None)
    assert not PlainTOTPDevice.objects.exists()
    sealed = Authenticator.objects.get(user=alice, name="old phone")
    assert sealed.bin_key == secret and sealed.confirmed
    assert secret.hex() not in table_text("accounts_authenticator")
    assert sealed.verify_token(code_for(sealed))


def test_codes_still_verify_after_rotate_master_key(carol, settings, capsys):
    old = settings.JEJARING_MASTER_KEYS[0]
    secret = Authenticator.objects.get(user=carol).bin_key
    settings.JEJARING_MASTER_KEYS = [NEW_KEY, old]
    call_command("rotate_master_key")
    out = capsys.readouterr().out
    assert "Two-factor secrets re-sealed" in out and ": 1;" in out.split("Two-factor")[1]
    settings.JEJARING_MASTER_KEYS = [NEW_KEY]  # the old key retired
    device = Authenticator.objects.get(user=carol)
    assert crypto.master_key_id_of(device.key_sealed) == crypto.current_master_key_id()
    assert device.bin_key == secret
    assert two_factor.verify(carol, code_for(device)) is not None


def test_a_sealed_secret_copied_into_another_users_row_does_not_open(carol, dave):
    stolen = Authenticator.objects.get(user=carol).key_sealed
    mine = Authenticator.objects.get(user=dave)
    Authenticator.objects.filter(pk=mine.pk).update(key_sealed=stolen)
    mine.refresh_from_db()
    with pytest.raises(crypto.CryptoError):
        mine.bin_key  # noqa: B018
