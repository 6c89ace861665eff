"""A note typed while the session ends is not lost: the page says so, the caseworker signs in again in another tab,
comes back and sends it again (core.csrf.SignedOutPostMiddleware, core.csrf.csrf_failure)."""

import pytest
from playwright.sync_api import expect

from casework.models import CaseNote
from tests.browser.helpers import sign_in

pytestmark = pytest.mark.django_db(transaction=True)

NOTE = "Catatan panjang rekaan: PENANDA-SESI-9913, ditulis saat sesi berakhir."


def test_a_note_typed_while_the_session_ended_is_sent_after_signing_in_again(browser, live_server, alice, case_a):
    # Its own context: the 401 and 403 pages on the way are meant (the page fixture fails on a logged 4xx).
    context = browser.new_context(base_url=live_server.url, locale="id-ID", viewport={"width": 390, "height": 844})
    page = context.new_page()
    sign_in(page, alice)
    page.goto(f"/cases/{case_a.pk}/notes/")
    page.locator("#id_body").fill(NOTE)
    page.context.clear_cookies(name="sessionid")  # the session ends (idle timeout, say)
    page.locator("form:has(#id_body) button[type=submit]").click()
    expect(page.get_by_test_id("csrf-kept")).to_be_visible()
    other = page.context.new_page()
    sign_in(other, alice)
    other.close()
    # "Send again"; the sign-in in the other tab renewed the token, so the page may offer it once more, signed in.
    for _attempt in range(2):
        if not page.get_by_test_id("csrf-resend").is_visible():
            break
        page.get_by_test_id("csrf-resend").get_by_role("button").first.click()
        page.wait_for_load_state()
    assert CaseNote.objects.filter(case=case_a).count() == 2
    expect(page.get_by_text("PENANDA-SESI-9913")).to_be_visible()
    context.close()
