"""The coordinators' home shows what needs action and the map; every member's navigation has the network pages."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_coordinators_home_shows_what_needs_action_and_the_map(client_for, carol, alice, referral):
    from datetime import date, timedelta

    from network import services

    services.need_post(actor=alice, service="shelter", province="53", urgency="high",
                       expires_on=date.today() + timedelta(days=3), text="x")  # fmt: skip
    html = client_for(carol).get(reverse("home")).content.decode()
    assert 'data-testid="coordinator-home"' in html
    needs = re.search(r'data-action="needs">.*?<span[^>]*>(\d+)</span>', html, re.S)
    assert needs and needs.group(1) == "1"
    assert len(re.findall(r'<path data-province="\d\d"', html)) == 38


def test_caseworkers_do_not_get_the_coordinators_panel(client_for, alice):
    assert 'data-testid="coordinator-home"' not in client_for(alice).get(reverse("home")).content.decode()


@pytest.mark.parametrize("who", ["alice", "carol", "dave"])
def test_every_member_has_the_network_pages_in_the_navigation(request, client_for, who):
    html = client_for(request.getfixturevalue(who)).get(reverse("home")).content.decode()
    nav = html.split('id="nav-main"')[1].split("</ul>")[0]
    for name in ["network:map", "network:challenges", "network:needs", "network:capacity", "network:reports"]:
        assert f'href="{reverse(name)}"' in nav, name
