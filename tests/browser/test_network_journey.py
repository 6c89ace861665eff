"""A coordinator reads the national map, switches metric and period, opens a province, approves a challenge,
moderates a posted need and freezes the quarterly report; an admin releases it; a caseworker of another organisation
offers help on the need."""

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from casework.choices import ExploitationType
from network import services
from network.disclosure import Period
from network.models import NeedOffer, QuarterlyReport
from tests.browser.helpers import open_menu, sign_in, sign_out
from tests.network.conftest import stat_cases

pytestmark = pytest.mark.django_db(transaction=True)
CLOSED = Period.quarter_of(date.today() - timedelta(days=100))


def nav(page, name):
    open_menu(page)
    page.get_by_role("navigation", name="Navigasi utama").get_by_role("link", name=name, exact=True).click()


def test_the_network_journey(page, alice, bob, carol, dave):
    stat_cases(alice, 13, origin_province="53", exploitation_types=[ExploitationType.FORCED_LABOUR])
    stat_cases(alice, 12, origin_province="53", intake=CLOSED.start, exploitation_types=[ExploitationType.SERVITUDE])
    stat_cases(bob, 3, origin_province="33")
    services.aggregates_refresh()
    quarter = Period.quarter_of(date.today()).code
    services.challenge_report(actor=alice, category="no_shelter", province="53", period=quarter,
                              description="Rumah aman penuh. (rekaan)", named=False)  # fmt: skip
    services.need_post(actor=alice, service="shelter", province="53", urgency="high",
                       expires_on=date.today() + timedelta(days=7), text="Butuh rumah aman minggu ini. (rekaan)")  # fmt: skip

    sign_in(page, carol, second_factor=True)
    nav(page, "Peta jaringan")
    expect(page.locator("svg.jj-map path[data-province]")).to_have_count(38)
    expect(page.locator('path[data-province="53"] title')).to_have_text("Nusa Tenggara Timur: 25")
    expect(page.locator('path[data-province="33"] title')).to_have_text("Jawa Tengah: <11")
    page.get_by_label("Tampilkan", exact=True).select_option("exploitation")
    page.get_by_test_id("map-show").click()
    page.get_by_label("Kategori").select_option("servitude")
    page.get_by_label("Periode").select_option(CLOSED.code)
    page.get_by_test_id("map-show").click()
    expect(page.get_by_test_id("map-heading")).to_contain_text(CLOSED.code)
    expect(page.locator('path[data-province="53"] title')).to_have_text("Nusa Tenggara Timur: 10")
    page.get_by_test_id("map-table").get_by_role("link", name="Nusa Tenggara Timur").click()
    expect(page.get_by_role("heading", name="Nusa Tenggara Timur", level=1)).to_be_visible()
    expect(page.get_by_test_id("breakdown-exploitation")).to_contain_text("Perhambaan")

    nav(page, "Tantangan")
    awaiting = page.get_by_test_id("challenges-awaiting")
    awaiting.get_by_label("Setujui").check()
    awaiting.get_by_role("button", name="Simpan keputusan").click()
    expect(page.get_by_test_id("challenges-approved")).to_contain_text("Rumah aman penuh.")

    nav(page, "Kebutuhan mendesak")
    awaiting = page.get_by_test_id("needs-awaiting")
    awaiting.get_by_label("Setujui").check()
    awaiting.get_by_role("button", name="Simpan keputusan").click()
    expect(page.get_by_test_id("needs-open")).to_contain_text("Butuh rumah aman minggu ini.")

    nav(page, "Laporan jaringan")
    page.locator("#id_period").select_option(CLOSED.code)
    page.get_by_test_id("freeze").click()
    expect(page.get_by_test_id("report-status")).to_contain_text("Dibekukan")
    expect(page.locator('tr[data-key="origin.53"] td')).to_have_text("10")
    report = QuarterlyReport.objects.get()
    sign_out(page)

    sign_in(page, dave, second_factor=True)
    page.goto(f"/network/reports/{report.pk}/")
    page.get_by_test_id("release").click()
    expect(page.get_by_test_id("report-status")).to_contain_text("Dirilis")
    sign_out(page)

    sign_in(page, bob)
    nav(page, "Kebutuhan mendesak")
    page.get_by_test_id("needs-open").get_by_role("button", name="Kami dapat membantu").click()
    expect(page.get_by_text("diberi tahu bahwa Anda dapat membantu")).to_be_visible()
    assert NeedOffer.objects.get().organisation == bob.organisation
