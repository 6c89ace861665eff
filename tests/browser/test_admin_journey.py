from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from audit.models import AccessLog, AccessLogVerification
from casework import services
from tests.browser.helpers import open_menu, sign_in
from tests.cases import MARKERS

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_admin_finds_who_viewed_a_case_opens_their_activity_exports_it_and_checks_the_chain(
    page, dave, alice, bob, case_a
):
    services.case_view_record(actor=alice, case=case_a, tab="summary")
    services.case_field_reveal(actor=alice, case=case_a, field="nik")

    sign_in(page, dave, second_factor=True)
    open_menu(page)
    page.get_by_role("navigation", name="Navigasi utama").get_by_role("link", name="Log akses").click()
    week_start = timezone.localdate() - timedelta(days=timezone.localdate().weekday())
    page.get_by_label("Nomor kasus atau rujukan").fill(case_a.reference)
    page.get_by_label("Dari").fill(week_start.isoformat())
    page.get_by_role("button", name="Saring").click()
    entries = page.get_by_test_id("log-entries")
    expect(entries).to_contain_text("alice")
    expect(entries).to_contain_text("Data sensitif ditampilkan")
    expect(page.locator("main")).not_to_contain_text(MARKERS["name"])
    expect(page.locator("main")).not_to_contain_text(MARKERS["nik"])

    entries.get_by_role("link", name="alice").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Semua yang dilakukan alice")
    with page.expect_download() as download_info:
        page.get_by_test_id("export-user").click()
    content = Path(download_info.value.path()).read_text(encoding="utf-8")
    assert case_a.reference in content and "Data sensitif ditampilkan" in content and MARKERS["nik"] not in content
    assert "field_revealed" not in content, "the CSV says what happened in words, as the screen does"
    assert AccessLog.objects.filter(event=AccessLog.Event.EXPORTED, actor=dave).exists()

    page.get_by_role("link", name="Log akses").first.click()
    page.get_by_role("button", name="Periksa rantai sekarang").click()
    expect(page.get_by_text("Rantai log akses utuh")).to_be_visible()
    expect(page.get_by_test_id("chain-check")).to_contain_text("Rantai utuh")
    assert AccessLogVerification.objects.get().ok
