"""Smaller fixes of issue 14: the summary names the destination and the regency, empty choices read "—", the
admin's account list hides internal accounts."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from accounts import services as account_services
from casework import services

pytestmark = pytest.mark.django_db


def test_the_summary_shows_the_destination_country_and_the_regency(client_for, alice, case_a):
    services.case_update(
        actor=alice,
        case=case_a,
        expected_version=case_a.version,
        summary={"origin_regency": "53.71", "destination_country": "MY"},
    )
    text = client_for(alice).get(reverse("casework:case_detail", args=[case_a.pk])).content.decode()
    regency = re.search(r'data-testid="origin-regency">([^<]*)<', text)
    destination = re.search(r'data-testid="destination">([^<]*)<', text)
    assert regency and regency.group(1) == "Kota Kupang"
    assert destination and destination.group(1) == "Malaysia"


@pytest.mark.parametrize(
    "url",
    ["casework:case_create", "audit:log", "referrals:queue"],
)
def test_no_django_dashes_as_the_empty_choice(client_for, alice, dave, carol, url):
    who = {"casework:case_create": alice, "audit:log": dave, "referrals:queue": carol}[url]
    text = client_for(who).get(reverse(url)).content.decode()
    assert "---------" not in text


def test_the_admin_account_list_hides_the_system_account(client_for, dave, alice):
    account_services.system_user()
    text = client_for(dave).get(reverse("admin:accounts_user_changelist")).content.decode()
    assert account_services.SYSTEM_USERNAME not in text
    assert "alice" in text
