import pytest
from django.urls import reverse

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_switching_language_is_remembered_on_the_account(client_for, alice):
    client = client_for(alice)
    assert "Selamat datang" in client.get(reverse("home")).content.decode()
    response = client.post(reverse("accounts:set_language"), {"language": "en", "next": "/accounts/account/"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/account/"
    alice.refresh_from_db()
    assert alice.language == "en"
    assert "Welcome" in client.get(reverse("home")).content.decode()


def test_the_account_language_follows_the_user_to_a_new_browser(client, alice):
    alice.language = "en"
    alice.save()
    response = client.post(reverse("accounts:login"), {"username": "alice", "password": PASSWORD})
    assert response.cookies["jejaring_language"].value == "en"
    page = client.get(reverse("home"))
    assert page["Content-Language"] == "en"


def test_an_anonymous_visitor_can_switch_the_sign_in_page_to_english(client, db):
    client.post(reverse("accounts:set_language"), {"language": "en", "next": reverse("accounts:login")})
    assert "Sign in to Jejaring" in client.get(reverse("accounts:login")).content.decode()


def test_an_unknown_language_or_foreign_next_is_ignored(client_for, alice):
    client = client_for(alice)
    response = client.post(reverse("accounts:set_language"), {"language": "xx", "next": "https://evil.example/"})
    assert response["Location"] == reverse("home")
    alice.refresh_from_db()
    assert alice.language == "id"
