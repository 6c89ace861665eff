import pytest
from playwright.sync_api import expect

from audit.models import AccessLog
from casework.models import Case
from tests.browser.helpers import open_menu, sign_in, step

pytestmark = pytest.mark.django_db(transaction=True)

NIK = "5371014507950003"  # fictional: NTT, a woman born 5 July 1995, serial 0003


def test_a_caseworker_logs_a_case_finds_it_by_nik_reveals_it_and_edits_it(page, alice):
    sign_in(page, alice)
    open_menu(page)
    page.get_by_role("navigation", name="Navigasi utama").get_by_role("link", name="Kasus baru").click()

    page.locator("#id_full_name").fill("Melati Rekaan")
    page.get_by_label("NIK").fill(NIK)
    page.get_by_label("Tanggal lahir").fill("1995-07-05")
    page.get_by_label("Jenis kelamin").select_option("feminine")
    page.get_by_role("button", name="Lanjut: Data kontak").click()
    page.get_by_label("Nomor telepon").fill("0800 1111 2222")
    step(page, "Situasi")
    page.get_by_label("Kronologi").fill("Ditawari kerja di luar negeri lewat iklan daring. (rekaan)")
    page.get_by_label("Sindikat penipuan daring (online scam)").check()
    step(page, "Rute")
    page.get_by_label("Provinsi asal").select_option("53")
    expect(page.locator("#id_origin_regency option", has_text="Kota Kupang")).to_have_count(1)
    page.get_by_label("Kabupaten atau kota asal").select_option("53.71")
    step(page, "Persetujuan")
    page.get_by_label("Tanggal persetujuan diberikan").fill("2026-11-20")
    page.get_by_label("Setuju menerima layanan").check()
    step(page, "Risiko dan pemantauan")
    page.get_by_label("Tingkat risiko").select_option("high")
    page.get_by_role("button", name="Buka kasus").click()

    expect(page.get_by_text("sudah dibuat")).to_be_visible()
    case = Case.objects.get()
    expect(page.get_by_test_id("case-reference")).to_have_text(case.reference)
    expect(page.get_by_test_id("narrative")).to_contain_text("iklan daring")

    page.get_by_role("link", name="Catatan").click()
    page.locator("#id_body").fill("Sudah dihubungi lewat telepon. (rekaan)")
    page.get_by_role("button", name="Tambah catatan").click()
    expect(page.get_by_test_id("notes")).to_contain_text("Sudah dihubungi")

    open_menu(page)
    page.get_by_role("navigation", name="Navigasi utama").get_by_role("link", name="Kasus", exact=True).click()
    page.get_by_label("Cari kasus berdasarkan nomor kasus, nama, NIK, atau nomor telepon").fill(NIK)
    page.get_by_role("button", name="Cari").click()
    expect(page.get_by_test_id("case-reference")).to_have_text(case.reference)
    assert NIK not in page.url

    page.get_by_role("link", name="Identitas").click()
    expect(page.get_by_test_id("full-name")).to_have_text("Melati Rekaan")
    expect(page.get_by_text(NIK)).to_have_count(0)
    page.get_by_test_id("reveal-nik").click()
    expect(page.get_by_test_id("revealed-nik")).to_have_text(NIK)
    assert (
        AccessLog.objects.filter(
            event=AccessLog.Event.FIELD_REVEALED, actor=alice, detail="nik", object_id=case.pk
        ).count()
        == 1
    )

    page.get_by_role("link", name="Ringkasan").click()
    page.get_by_role("link", name="Ubah").click()
    step(page, "Risiko dan pemantauan")
    page.get_by_label("Tingkat risiko").select_option("low")
    page.get_by_role("button", name="Simpan").click()
    expect(page.get_by_text("Kasus tersimpan.")).to_be_visible()
    expect(page.get_by_text("Risiko: Rendah")).to_be_visible()
    case.refresh_from_db()
    assert case.risk_level == "low" and case.version == 2
