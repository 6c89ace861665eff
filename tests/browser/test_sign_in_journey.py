import pytest
from playwright.sync_api import expect

from audit.models import AccessLog
from tests.browser.helpers import sign_in, sign_out

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_coordinator_signs_in_with_a_code_switches_language_and_signs_out(page, carol):
    sign_in(page, carol, second_factor=True)
    expect(page.get_by_role("heading", level=1)).to_have_text("Selamat datang, Carol")
    expect(page.locator("html")).to_have_attribute("lang", "id")

    page.get_by_label("Bahasa").select_option("en")
    page.get_by_role("button", name="Ganti").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Carol")
    expect(page.locator("html")).to_have_attribute("lang", "en")

    page.get_by_label("Language").select_option("id")
    page.get_by_role("button", name="Change").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Selamat datang, Carol")

    sign_out(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Masuk ke Jejaring")
    events = list(AccessLog.objects.filter(actor=carol).order_by("id").values_list("event", flat=True))
    assert events == [AccessLog.Event.SIGNED_IN, AccessLog.Event.SIGNED_OUT]


def test_a_coordinator_without_the_code_cannot_reach_the_home_page(page, carol):
    sign_in(page, carol)
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Masukkan kode Anda")
    assert "/accounts/two-factor/verify/" in page.url
    expect(page.get_by_role("navigation").get_by_role("link", name="Beranda")).to_have_count(0)
