import pytest
from django.core.management import CommandError, call_command

from accounts.models import Organisation, User

pytestmark = pytest.mark.django_db


def test_bootstrap_admin_creates_the_organisation_and_an_admin(monkeypatch):
    monkeypatch.setattr("getpass.getpass", lambda prompt="": "a-long-enough-admin-password")
    call_command(
        "bootstrap_admin",
        username="root-admin",
        email="root@test.jejaring.invalid",
        organisation_code="SEK",
        organisation_name="Sekretariat Uji (fiktif)",
    )
    user = User.objects.get(username="root-admin")
    assert user.role == "admin" and user.organisation == Organisation.objects.get(code="SEK")
    assert user.check_password("a-long-enough-admin-password")
    assert not user.is_superuser and not user.is_staff


def test_bootstrap_admin_refuses_a_weak_password(monkeypatch):
    monkeypatch.setattr("getpass.getpass", lambda prompt="": "12345")
    with pytest.raises(CommandError):
        call_command(
            "bootstrap_admin",
            username="x",
            email="x@test.jejaring.invalid",
            organisation_code="SEK",
            organisation_name="S",
        )
    assert not User.objects.filter(username="x").exists()
