"""The intake on a 390 px phone: steps with progress, a draft kept (encrypted) on the server as the caseworker types,
and nothing typed lost when the session ends and they sign in again in another tab."""

import pytest
from playwright.sync_api import expect

from casework import selectors
from casework.models import Case, IntakeDraft
from tests.browser.helpers import sign_in, step
from tests.casework.test_leak import every_row_as_text, hits

pytestmark = pytest.mark.django_db(transaction=True)

NARRATIVE = "NARASI-PENANDA-7731 direkrut lewat media sosial (rekaan)"  # a marker of tests/cases.py
NAME = "Zulaikha Markerwati"


def no_browser_storage(page):
    # htmx notes the current path (a URL: never personal data) in sessionStorage; nothing else may be there, and
    # its page snapshots (history cache) are off.
    stored = page.evaluate("() => [...Object.keys(localStorage), ...Object.keys(sessionStorage)]")
    assert set(stored) <= {"htmx-current-path-for-history"}, stored
    path = page.evaluate("() => sessionStorage.getItem('htmx-current-path-for-history')")
    assert path in (None, page.evaluate("() => location.pathname + location.search")), path
    assert page.evaluate("async () => (indexedDB.databases ? (await indexedDB.databases()).length : 0)") == 0


def draft_saved(page):
    expect(page.locator("#draft-status")).to_contain_text("Draf tersimpan di server")


def type_an_intake(page):
    page.goto("/cases/new/")
    expect(page.locator("#step-status")).to_have_text("Langkah 1 dari 6: Identitas")
    expect(page.locator("#id_narrative")).to_be_hidden()  # one section at a time
    page.locator("#id_full_name").fill(NAME)
    page.get_by_role("button", name="Lanjut: Data kontak").click()
    expect(page.locator("#step-status")).to_have_text("Langkah 2 dari 6: Data kontak")
    step(page, "Situasi")
    page.get_by_label("Kronologi").fill(NARRATIVE)
    page.get_by_label("Sindikat penipuan daring (online scam)").check()
    draft_saved(page)


def test_the_draft_survives_a_closed_tab_and_is_encrypted(page, alice):
    sign_in(page, alice)
    type_an_intake(page)
    no_browser_storage(page)
    assert hits(every_row_as_text()) == [], "a marker scan of the database finds no plaintext"
    context = page.context
    page.close()
    again = context.new_page()
    again.goto("/cases/new/")
    again.get_by_test_id("other-drafts").get_by_role("link", name=NAME).click()  # offered, then opened
    expect(again.get_by_test_id("draft-restored")).to_be_visible()
    expect(again.locator("#id_full_name")).to_have_value(NAME)
    step(again, "Situasi")
    expect(again.get_by_label("Kronologi")).to_have_value(NARRATIVE)
    expect(again.get_by_label("Sindikat penipuan daring (online scam)")).to_be_checked()
    again.once("dialog", lambda dialog: dialog.accept())  # "Discard this draft?"
    again.get_by_test_id("discard-draft").click()
    expect(again.get_by_text("Draf sudah dibuang.")).to_be_visible()
    assert not IntakeDraft.objects.exclude(payload_enc="").exists(), "the page now holds a new, empty draft"
    expect(again.locator("#id_full_name")).to_have_value("")


def test_nothing_typed_is_lost_when_the_session_ends_and_one_signs_in_again_in_another_tab(page, alice):
    sign_in(page, alice)
    type_an_intake(page)
    step(page, "Risiko dan pemantauan")
    page.get_by_label("Tingkat risiko").select_option("high")
    # The session ends (here: its cookie is gone, as after the idle timeout), and the caseworker follows the advice:
    # sign in again in a new tab, then come back.
    page.context.clear_cookies(name="sessionid")
    other = page.context.new_page()
    sign_in(other, alice)
    other.close()
    page.get_by_role("button", name="Buka kasus").click()
    # The old tab's token is from before the new sign-in: what it sent is kept in the draft and shown again.
    expect(page.get_by_text("Sesi masuk Anda berubah saat Anda mengetik")).to_be_visible()
    expect(page.locator("#id_full_name")).to_have_value(NAME)
    assert selectors.intake_draft_fields(IntakeDraft.objects.get(owner=alice))["risk_level"] == ["high"]
    page.get_by_role("button", name="Buka kasus").click()
    expect(page.get_by_text("sudah dibuat")).to_be_visible()
    case = Case.objects.get()
    assert case.risk_level == "high"
    expect(page.get_by_test_id("narrative")).to_contain_text("NARASI-PENANDA-7731")
    assert not IntakeDraft.objects.exists()
    no_browser_storage(page)


def test_errors_are_linked_and_open_their_step(page, alice):
    sign_in(page, alice)
    page.goto("/cases/new/")
    page.locator("#id_full_name").fill(NAME)
    step(page, "Persetujuan")
    page.get_by_label("Setuju menerima layanan").check()  # consent without its date: refused
    page.get_by_role("button", name="Buka kasus").click()
    summary = page.get_by_role("alert").filter(has_text="Nothing you typed").or_(page.locator("#form-errors"))
    expect(summary.first).to_be_focused()
    expect(page.locator("#step-status")).to_have_text("Langkah 5 dari 6: Persetujuan")  # the step of the first error
    expect(page.locator("#id_consent_date")).to_have_class("form-control is-invalid")
    step(page, "Identitas")
    page.locator("#form-errors a").first.click()
    expect(page.locator("#id_consent_date")).to_be_focused()
    expect(page.locator("#step-status")).to_have_text("Langkah 5 dari 6: Persetujuan")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390


def test_the_limit_is_counted_live_and_over_long_text_is_kept(page, alice):
    sign_in(page, alice)
    page.goto("/cases/new/")
    page.locator("#id_full_name").fill("Nama Rekaan " * 21)
    counter = page.locator(".char-count[data-count-for='id_full_name']")
    expect(counter).to_contain_text("Kelebihan 52 karakter")
    page.get_by_role("button", name="Buka kasus").click()
    expect(page.locator("#id_full_name_error")).to_contain_text("paling banyak 200 karakter")
    assert len(page.locator("#id_full_name").input_value()) == 252, "kept whole, not cut"
    assert not Case.objects.exists()


def test_two_intakes_in_two_tabs_keep_two_drafts(page, alice):
    sign_in(page, alice)
    other = page.context.new_page()
    for tab, name in ((page, NAME), (other, "Rekaan Tab Kedua")):
        tab.goto("/cases/new/")
        tab.locator("#id_full_name").fill(name)
        tab.locator("#id_full_name").dispatch_event("change")
        draft_saved(tab)
    held = {tab.locator("#case-form [name=intake_draft]").input_value() for tab in (page, other)}
    assert len(held) == 2
    names = {selectors.intake_draft_fields(d)["full_name"][0] for d in IntakeDraft.objects.filter(pk__in=held)}
    assert names == {NAME, "Rekaan Tab Kedua"}
    no_browser_storage(other)


def test_the_destination_lists_hold_every_country_and_nothing_moves(page, alice):
    sign_in(page, alice)
    page.goto("/cases/new/")
    count = page.evaluate("() => document.querySelectorAll('#id_nationality option').length")
    assert count > 200
    for select in ("#id_destination_country", "#id_transit_countries"):
        expect(page.locator(f"{select} option")).to_have_count(count - (1 if select.endswith("countries") else 0))
    step(page, "Rute")
    page.locator("#id_destination_country").select_option("FR")  # not among the common destinations
    shift = page.evaluate(
        "() => new Promise(resolve => new PerformanceObserver(list => resolve(list.getEntries()"
        ".reduce((sum, entry) => sum + (entry.hadRecentInput ? 0 : entry.value), 0)))"
        ".observe({type: 'layout-shift', buffered: true}) || setTimeout(() => resolve(0), 500))"
    )
    assert shift < 0.05, f"the page moved while it loaded: {shift}"


def test_without_the_script_every_section_shows_and_every_country_can_be_chosen(browser, live_server, alice):
    context = browser.new_context(
        base_url=live_server.url, locale="id-ID", viewport={"width": 390, "height": 844}, java_script_enabled=False
    )
    page = context.new_page()
    sign_in(page, alice)
    page.goto("/cases/new/")
    expect(page.locator("[data-steps]")).to_be_hidden()
    expect(page.locator("#id_narrative")).to_be_visible()  # every section
    page.locator("#id_full_name").fill(NAME)
    assert page.locator("#id_destination_country option[value=FR]").count() == 0
    page.get_by_role("button", name="Tampilkan semua negara").click()
    expect(page.locator("#id_full_name")).to_have_value(NAME)  # nothing typed lost
    page.locator("#id_destination_country").select_option("FR")
    page.get_by_label("Tingkat risiko").select_option("low")
    page.get_by_role("button", name="Buka kasus").click()
    expect(page.get_by_text("sudah dibuat")).to_be_visible()
    assert Case.objects.get().destination_country == "FR"
    context.close()
