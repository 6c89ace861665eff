import pytest
from django.urls import reverse

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def fail(client, username, address="10.0.0.1"):
    return client.post(
        reverse("accounts:login"), {"username": username, "password": "wrong-password-x"}, REMOTE_ADDR=address
    )


def test_the_account_is_locked_for_that_address_after_repeated_failures(client, alice, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert fail(client, "alice").status_code == 200
    locked = fail(client, "alice")
    assert locked.status_code == 429
    assert "Terlalu banyak" in locked.content.decode()
    # Even the right password is refused while locked.
    right = client.post(reverse("accounts:login"), {"username": "alice", "password": PASSWORD}, REMOTE_ADDR="10.0.0.1")
    assert right.status_code == 429


def test_failures_by_email_and_username_count_for_the_same_account(client, alice, settings):
    for i in range(settings.AXES_FAILURE_LIMIT):
        fail(client, "alice" if i % 2 else "alice@test.jejaring.invalid")
    right = client.post(reverse("accounts:login"), {"username": "alice", "password": PASSWORD}, REMOTE_ADDR="10.0.0.1")
    assert right.status_code == 429


def test_the_lock_is_per_username_and_address(client, alice, bob, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        fail(client, "alice")
    # Another address, or another account from the same address, is not locked out.
    other_address = client.post(
        reverse("accounts:login"), {"username": "alice", "password": PASSWORD}, REMOTE_ADDR="10.0.0.2"
    )
    assert other_address.status_code == 302
    other_user = client.post(
        reverse("accounts:login"), {"username": "bob", "password": PASSWORD}, REMOTE_ADDR="10.0.0.1"
    )
    assert other_user.status_code == 302
