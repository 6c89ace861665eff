"""Referral performance: only groups of at least 11 referrals; a receiving organisation's figures only for that
organisation and the coordinators."""

from __future__ import annotations

import pytest
from django.urls import reverse

from network import selectors
from referrals import services as referral_services
from tests.network.conftest import stat_cases

pytestmark = pytest.mark.django_db


def send(alice, to_org, n):
    for case in stat_cases(alice, n, sharing=True, origin_province="53"):
        referral = referral_services.referral_send(
            actor=alice, case=case, to_org=to_org, services=["shelter"], urgency="routine", reason="x", sections=[]
        )
        yield referral


def test_groups_below_11_referrals_are_not_shown(alice, bob, refresh):
    list(send(alice, bob.organisation, 10))
    refresh()
    assert selectors.performance(bob) == {"network": [], "organisations": []}


def test_an_organisations_figures_only_for_it_and_the_coordinators(client_for, alice, bob, cecep, carol, refresh):
    referrals = list(send(alice, bob.organisation, 12))
    for referral in referrals[:3]:
        referral_services.referral_decline(actor=bob, referral=referral, reason="no_capacity")
    refresh()
    for user, sees_org in [(bob, True), (carol, True), (alice, False), (cecep, False)]:
        result = selectors.performance(user)
        assert [row["n"] for row in result["network"]] == [12]
        assert (
            result["network"][0]["declined"] == [("Saat ini tidak ada kapasitas", 25)]
            or result["network"][0]["declined"][0][1] == 25
        )
        assert bool(result["organisations"]) is sees_org, user
        html = client_for(user).get(reverse("network:performance")).content.decode()
        assert (bob.organisation.name in html) is sees_org
