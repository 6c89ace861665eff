import re

import pytest
from playwright.sync_api import expect

from referrals.models import Referral
from tests.browser.helpers import open_menu, sign_in, sign_out
from tests.cases import MARKERS

pytestmark = pytest.mark.django_db(transaction=True)


def nav(page, name):
    open_menu(page)
    page.get_by_role("navigation", name="Navigasi utama").get_by_role("link", name=name, exact=True).click()


def test_a_declined_referral_is_reassigned_by_a_coordinator_and_accepted_elsewhere(
    page, alice, bob, carol, cecep, case_a, org_b, org_c
):
    # Caseworker A refers the case to organisation B, sharing identity only.
    sign_in(page, alice)
    page.goto(f"/cases/{case_a.pk}/")
    page.get_by_role("link", name="Rujuk", exact=True).click()
    page.get_by_label("Rujuk ke").select_option(str(org_b.pk))
    page.get_by_label("Rumah aman atau penampungan sementara").check()
    page.get_by_label("Tingkat kedaruratan").select_option("urgent")
    page.get_by_label("Alasan rujukan").fill("Butuh tempat aman selama proses hukum. (rekaan)")
    page.get_by_label("Identitas").check()
    page.get_by_role("button", name="Kirim rujukan").click()
    expect(page.get_by_text("sudah dikirim")).to_be_visible()
    referral = Referral.objects.get()
    sign_out(page)

    # B sees only the summary, and declines.
    sign_in(page, bob)
    nav(page, "Rujukan")
    page.get_by_role("link", name=referral.reference).first.click()
    expect(page.get_by_test_id("referral-summary")).to_contain_text("Rumah aman")
    expect(page.get_by_text(MARKERS["name"])).to_have_count(0)
    page.get_by_label("Alasan menolak").select_option("no_capacity")
    page.get_by_role("button", name="Tolak").click()
    expect(page.get_by_test_id("referral-status")).to_have_text("Ditolak")
    sign_out(page)

    # The coordinator finds it in the queue and reassigns it to C.
    sign_in(page, carol, second_factor=True)
    nav(page, "Antrean rujukan")
    page.get_by_label("Status").select_option("declined")
    page.get_by_role("button", name="Saring").click()
    expect(page.get_by_test_id("queue")).to_contain_text(referral.reference)
    expect(page.get_by_test_id("queue")).not_to_contain_text(MARKERS["name"])
    page.get_by_role("link", name=referral.reference).click()
    page.get_by_role("link", name="Alihkan").click()
    page.get_by_role("radio", name=re.compile(re.escape(org_c.name))).check()
    page.get_by_label("Alasan").fill("C punya rumah aman yang kosong.")
    page.get_by_role("button", name="Alihkan").click()
    expect(page.get_by_text("Rujukan dialihkan")).to_be_visible()
    new = Referral.objects.get(reassigned_from=referral)
    sign_out(page)

    # C accepts and sees exactly the shared sections.
    sign_in(page, cecep)
    nav(page, "Rujukan")
    page.get_by_role("link", name=new.reference).first.click()
    page.get_by_role("button", name="Terima").click()
    expect(page.get_by_test_id("referral-status")).to_have_text("Diterima")
    page.get_by_test_id("open-case").click()
    expect(page.get_by_test_id("narrative")).to_have_count(0)
    page.get_by_role("link", name="Identitas").click()
    expect(page.get_by_test_id("full-name")).to_have_text(MARKERS["name"])
    expect(page.get_by_text("Nomor telepon", exact=True)).to_have_count(0)
    expect(page.get_by_test_id("reveal-nik")).to_have_count(1)
    expect(page.get_by_role("link", name="Catatan")).to_have_count(0)
    sign_out(page)

    # B can no longer open it.
    page.expect_not_found = True
    sign_in(page, bob)
    page.goto(f"/cases/{case_a.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tidak ditemukan")
    page.goto(f"/referrals/{new.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tidak ditemukan")
