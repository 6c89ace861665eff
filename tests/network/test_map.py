"""The national map and a province page: every member sees them, every figure is under the rule, the map's figures
are in the table beside it, nothing links to a list of records, and each view is logged."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.urls import reverse

from accounts.models import Membership
from audit.models import AccessLog
from casework.choices import ExploitationType, LabourSector
from tests.network.conftest import stat_cases

pytestmark = pytest.mark.django_db
YEAR = str(date.today().year)
LAST_YEAR = str(date.today().year - 1)


@pytest.fixture
def figures(alice, bob, refresh):
    stat_cases(alice, 13, origin_province="53", exploitation_types=[ExploitationType.FORCED_LABOUR],
               labour_sector=LabourSector.FISHING_AND_AQUACULTURE, destination_country="MY")  # fmt: skip
    stat_cases(bob, 3, origin_province="33", exploitation_types=[ExploitationType.SEXUAL_EXPLOITATION])
    stat_cases(bob, 12, origin_province="11", intake=date(date.today().year - 1, 6, 1))
    return refresh()


def paths(html: str) -> dict[str, str]:
    return dict(re.findall(r'<path data-province="(\d\d)" class="[^"]+" d="[^"]+"><title>([^<]+)</title>', html))


def table_rows(html: str) -> dict[str, str]:
    found = re.findall(r'<tr data-province="(\d\d)">.*?<td class="text-end">([^<]+)</td>', html, re.S)
    return dict(found)


@pytest.mark.parametrize("who", ["alice", "bob", "cecep", "carol", "dave"])
def test_every_member_sees_the_map_with_38_provinces(request, client_for, figures, who):
    response = client_for(request.getfixturevalue(who)).get(reverse("network:map"))
    assert response.status_code == 200
    html = response.content.decode()
    shown = paths(html)
    assert len(shown) == 38
    rows = table_rows(html)
    assert len(rows) == 38
    for code, title in shown.items():
        assert title.endswith(": " + rows[code]), (code, title, rows[code])  # the same figure in the table
    assert shown["53"].endswith(": 15")  # 13 cases, rounded to 15
    assert shown["33"].endswith(": &lt;11")  # 3 cases: hidden
    assert 'style="' not in html.split("<main", 1)[1]  # CSP: classes only
    assert "<script" not in html.split("<main", 1)[1]


def test_nothing_on_network_pages_links_to_a_record(client_for, carol, alice, figures):
    for user in (carol, alice):
        client = client_for(user)
        for url in [reverse("network:map"), reverse("network:province", args=["53"]), reverse("network:needs"),
                    reverse("network:challenges"), reverse("network:capacity"), reverse("network:performance"),
                    reverse("network:reports")]:  # fmt: skip
            html = client.get(url).content.decode()
            links = re.findall(r'href="([^"]+)"', html.split("<main", 1)[1])
            assert not [link for link in links if link.startswith(("/cases/", "/referrals/"))], (url, links)


def test_the_metric_and_period_switch(client_for, carol, figures):
    client = client_for(carol)
    html = client.get(reverse("network:map"), {"metric": "exploitation", "category": "forced_labour",
                                               "period": YEAR}).content.decode()  # fmt: skip
    assert paths(html)["53"].endswith(": 15")
    # Jawa Tengah has no case of forced labour, but its 3 cases of sexual exploitation are hidden, and so is their
    # fixed partner cell in the same row (complementary suppression), whatever its value.
    assert paths(html)["33"].endswith(": &lt;11")
    assert paths(html)["34"].endswith(": &lt;11")  # and the partner row's pair
    assert paths(html)["35"].endswith(": 0")
    html = client.get(
        reverse("network:map"), {"metric": "sector", "category": "fishing_and_aquaculture"}
    ).content.decode()
    assert paths(html)["53"].endswith(": 15")
    html = client.get(reverse("network:map"), {"metric": "origin", "period": LAST_YEAR}).content.decode()
    assert paths(html)["53"].endswith(": 0")
    assert paths(html)["11"].endswith(": 10")  # 12, rounded


@pytest.mark.parametrize(
    "params", [{"metric": "names"}, {"period": "2026-01-01..2026-01-02"}, {"category": "x' OR 1=1"}, {"period": "1999"}]
)
def test_bad_parameters_are_refused_beside_the_field_never_a_500(client_for, carol, figures, params):
    response = client_for(carol).get(reverse("network:map"), params)
    assert response.status_code == 200
    assert "invalid-feedback" in response.content.decode() or "is-invalid" in response.content.decode()
    assert len(paths(response.content.decode())) == 38


def test_each_view_is_logged_without_data(client_for, alice, figures):
    client_for(alice).get(reverse("network:map"), {"metric": "exploitation", "category": "forced_labour"})
    entry = AccessLog.objects.filter(event=AccessLog.Event.NETWORK_VIEWED, actor=alice).latest("id")
    assert entry.detail.startswith("map:exploitation:forced_labour:")
    client_for(alice).get(reverse("network:province", args=["53"]))
    assert AccessLog.objects.filter(event=AccessLog.Event.NETWORK_VIEWED, detail__startswith="province:53").exists()


def test_the_province_page_shows_breakdowns_and_routes_under_the_rule(client_for, bob, figures):
    html = client_for(bob).get(reverse("network:province", args=["53"])).content.decode()
    assert "Nusa Tenggara Timur" in html
    routes = html.split('data-testid="routes"')[1].split("</table>")[0]
    assert "Malaysia" in routes and ">15<" in routes
    exploitation = html.split('data-testid="breakdown-exploitation"')[1].split("</table>")[0]
    assert ">15<" in exploitation
    html = client_for(bob).get(reverse("network:province", args=["33"])).content.decode()
    exploitation = html.split('data-testid="breakdown-exploitation"')[1].split("</table>")[0]
    assert "&lt;11" in exploitation and ">3<" not in exploitation


def test_an_unknown_province_is_a_404(client_for, carol):
    assert client_for(carol).get(reverse("network:province", args=["99"])).status_code == 404


def test_someone_without_an_active_membership_sees_nothing(client_for, client, alice, figures):
    Membership.objects.filter(user=alice).update(is_active=False)
    assert client_for(alice).get(reverse("network:map")).status_code == 403
    assert client.get(reverse("network:map")).status_code == 302


def test_every_page_shows_the_last_refresh(client_for, carol, figures):
    for name in ["network:map", "network:challenges", "network:needs", "network:capacity", "network:reports"]:
        html = client_for(carol).get(reverse(name)).content.decode()
        assert 'data-testid="refresh-status"' in html
        assert "Angka per" in html or "Figures as of" in html


def test_a_coordinator_queues_a_refresh_and_the_page_shows_it(client_for, carol, alice, figures):
    from unittest import mock

    with mock.patch("network.tasks.refresh_aggregates.apply_async"):
        response = client_for(carol).post(reverse("network:refresh"))
    assert response.status_code == 302
    html = client_for(carol).get(reverse("network:map")).content.decode()
    assert 'data-testid="refreshing"' in html
    assert 'hx-get="/network/refresh/status/"' in html
    assert client_for(alice).post(reverse("network:refresh")).status_code == 403


def test_the_tabs_mark_the_page_shown_in_the_users_language(client_for, carol, figures):
    """The tabs are rendered once per language and page (network_tables.network_tabs): each page still marks
    itself, and each language gets its own words."""
    import re

    client = client_for(carol)

    def current(url):
        text = client.get(url).content.decode()
        nav = text[text.index('class="nav nav-pills') : text.index("</nav>", text.index('class="nav nav-pills'))]
        return re.findall(r'href="([^"]+)" aria-current="page">([^<]+)<', nav)

    assert current(reverse("network:map")) == [(reverse("network:map"), "Peta")]
    assert current(reverse("network:needs")) == [(reverse("network:needs"), "Kebutuhan mendesak")]
    assert current(reverse("network:province", args=["31"])) == []  # no tab is the province page
    client.post(reverse("accounts:set_language"), {"language": "en", "next": "/"})
    assert current(reverse("network:needs")) == [(reverse("network:needs"), "Urgent needs")]
    assert current(reverse("network:map")) == [(reverse("network:map"), "Map")]


def test_the_figures_part_is_kept_per_refresh_and_language_and_never_holds_the_user(
    client_for, alice, bob, carol, figures, refresh
):
    """network.fragments keeps the map's and a province's figures part: a later refresh shows at once, each
    language has its own, a switcher with an error is shown for that request only, and the shell is each user's."""
    for_alice, for_carol = client_for(alice), client_for(carol)
    first = for_alice.get(reverse("network:map")).content.decode()
    assert paths(first)["53"].endswith(": 15")
    seen_by_carol = for_carol.get(reverse("network:map")).content.decode()
    assert paths(seen_by_carol) == paths(first)
    assert alice.username in first and alice.username not in seen_by_carol and carol.username in seen_by_carol

    stat_cases(alice, 10, origin_province="53")  # 23 cases: 25 after the next refresh
    assert paths(for_alice.get(reverse("network:map")).content.decode())["53"].endswith(": 15")  # not yet refreshed
    refresh()
    assert paths(for_alice.get(reverse("network:map")).content.decode())["53"].endswith(": 25")
    province = for_carol.get(reverse("network:province", args=["53"])).content.decode()
    assert re.search(r'data-testid="province-cases">[^<]*25', province)

    wrong = for_alice.get(reverse("network:map"), {"period": "1999-Q9"})
    assert wrong.status_code == 200 and wrong.context["form"].errors
    assert 'class="invalid-feedback' in wrong.content.decode()
    assert 'class="invalid-feedback' not in for_alice.get(reverse("network:map")).content.decode()

    for_alice.post(reverse("accounts:set_language"), {"language": "en", "next": "/"})
    english = for_alice.get(reverse("network:map")).content.decode()
    assert "What the map shows" in english and "What the map shows" not in first


def test_the_province_page_shows_what_its_active_members_offer_and_a_change_at_once(client_for, alice, bob, figures):
    """Organisation B (province 53) offers shelter and legal aid; what it offers is read on each request, so a
    change shows on the very next page, and an organisation made inactive offers nothing."""
    from django.utils import translation

    from accounts.choices import ServiceType
    from accounts.models import Organisation
    from network.selectors import figures as figures_selectors

    def offered(viewer):
        html = client_for(viewer).get(reverse("network:province", args=["53"])).content.decode()
        return html.split('data-testid="offered">')[1].split("</p>")[0]

    def labels(*codes):
        with translation.override("id"):
            return ", ".join(str(label) for value, label in ServiceType.choices if value in codes)

    assert offered(bob) == offered(alice) == labels(ServiceType.SHELTER, ServiceType.LEGAL_AID)
    Organisation.objects.filter(pk=bob.organisation.pk).update(services=[ServiceType.MEDICAL])
    assert offered(bob) == labels(ServiceType.MEDICAL)
    assert figures_selectors.offers()["53"] == {ServiceType.MEDICAL}
    assert figures_selectors.offers("53") == {"53": {ServiceType.MEDICAL}}
    Organisation.objects.filter(pk=bob.organisation.pk).update(is_active=False)
    with translation.override("id"):
        assert offered(alice) == translation.gettext("No member in this province offers a service.")
    assert "53" not in figures_selectors.offers() and figures_selectors.offers("53")["53"] == set()
