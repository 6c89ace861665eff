import pytest
from django.urls import reverse

from audit.models import AccessLog
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_the_sign_in_page_is_in_indonesian_whatever_the_browser_asks(client):
    response = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.status_code == 200
    assert response["Content-Language"] == "id"
    assert "Masuk ke Jejaring" in response.content.decode()


def test_a_caseworker_signs_in_with_username_and_it_is_logged(client, alice):
    response = client.post(reverse("accounts:login"), {"username": "alice", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    entry = AccessLog.objects.get(event=AccessLog.Event.SIGNED_IN)
    assert entry.actor == alice
    assert entry.organisation == alice.organisation
    assert entry.ip_address == "127.0.0.1"


def test_signing_in_with_the_email_address_works_in_any_case(client, alice):
    response = client.post(reverse("accounts:login"), {"username": "ALICE@test.jejaring.invalid", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200


def test_a_wrong_password_is_refused_with_a_message_and_logged(client, alice):
    response = client.post(reverse("accounts:login"), {"username": "alice", "password": "wrong-password-here"})
    assert response.status_code == 200
    assert "tidak cocok" in response.content.decode()
    entry = AccessLog.objects.get(event=AccessLog.Event.SIGN_IN_FAILED)
    assert entry.actor == alice


def test_a_failed_sign_in_for_an_unknown_name_stores_no_typed_text(client, db):
    client.post(reverse("accounts:login"), {"username": "my-secret-password", "password": "x" * 12})
    entry = AccessLog.objects.get(event=AccessLog.Event.SIGN_IN_FAILED)
    assert entry.actor is None
    assert "my-secret-password" not in str(entry.__dict__)


def test_signing_out_needs_a_post_and_is_logged(client, alice):
    client.post(reverse("accounts:login"), {"username": "alice", "password": PASSWORD})
    assert client.get(reverse("accounts:logout")).status_code == 405
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert AccessLog.objects.filter(event=AccessLog.Event.SIGNED_OUT, actor=alice).count() == 1
    assert client.get(reverse("home")).status_code == 302


def test_an_inactive_account_cannot_sign_in(client, alice):
    alice.is_active = False
    alice.save()
    response = client.post(reverse("accounts:login"), {"username": "alice", "password": PASSWORD})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_pages_need_a_signed_in_user(client, db):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_the_password_is_stored_with_argon2_in_production_settings(alice):
    from django.conf import settings
    from django.test import override_settings

    from config import settings as configured

    assert configured.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    with override_settings(PASSWORD_HASHERS=configured.PASSWORD_HASHERS):
        alice.set_password("another-long-password")
        assert alice.password.startswith("argon2")
    assert settings.AUTH_USER_MODEL == "accounts.User"
