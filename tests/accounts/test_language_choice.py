"""English chosen on the sign-in page is kept after signing in, and saved to the account; dates follow the locale."""

from datetime import date

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_english_chosen_before_signing_in_wins_and_is_saved(client, alice):
    assert alice.language == "id"
    client.post(reverse("accounts:set_language"), {"language": "en", "next": reverse("accounts:login")})
    response = client.post(reverse("accounts:login"), {"username": "alice", "password": PASSWORD})
    assert response.cookies["jejaring_language"].value == "en"
    alice.refresh_from_db()
    assert alice.language == "en"
    assert client.get(reverse("home"))["Content-Language"] == "en"


def test_without_a_choice_the_accounts_language_is_used(client, alice):
    alice.language = "en"
    alice.save()
    client.get(reverse("accounts:login"))
    client.post(reverse("accounts:login"), {"username": "alice", "password": PASSWORD})
    alice.refresh_from_db()
    assert alice.language == "en"


@pytest.mark.parametrize("language", ["en", "id"])
def test_dates_are_day_first_in_both_languages(language):
    with translation.override(language):
        text = Template('{{ d|date:"SHORT_DATE_FORMAT" }}|{{ d }}').render(Context({"d": date(2026, 12, 1)}))
    short, default = text.split("|")
    assert short == "01-12-2026"
    assert "12/01" not in default and ("1 Dec 2026" in default or "1 Des 2026" in default), default
