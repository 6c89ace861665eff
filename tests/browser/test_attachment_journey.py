"""A caseworker on a phone attaches a photo and a PDF, downloads the PDF; a colleague approves the person's subject
access export, whose ZIP holds the attachments."""

from __future__ import annotations

import io
import zipfile

import pytest
from playwright.sync_api import expect

from audit.models import AccessLog
from casework.models import Attachment
from tests.browser.helpers import sign_in, sign_out
from tests.casework.attachment_helpers import jpeg_with_gps, pdf_bytes

pytestmark = pytest.mark.django_db(transaction=True)

PDF = pdf_bytes("SURAT-PERJALANAN-REKAAN", size=300 * 1024)


@pytest.fixture(autouse=True)
def _attachments_in_tmp(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "attachments": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }


def test_attach_download_and_export_from_a_phone(page, alice, anna, case_a):
    sign_in(page, alice)
    page.goto(f"/cases/{case_a.pk}/attachments/")
    assert page.viewport_size["width"] <= 400
    page.get_by_label("Berkas").set_input_files(
        [
            {"name": "foto-ktp.jpg", "mimeType": "image/jpeg", "buffer": jpeg_with_gps()},
            {"name": "surat-jalan.pdf", "mimeType": "application/pdf", "buffer": PDF},
        ]
    )
    page.locator("#id_section").select_option("identity")
    page.get_by_role("button", name="Lampirkan").click()
    expect(page.get_by_text("2 berkas dilampirkan.")).to_be_visible()
    expect(page.get_by_test_id("attachment-link")).to_have_count(2)
    assert Attachment.objects.filter(case=case_a).count() == 2

    with page.expect_download() as info:
        page.get_by_test_id("attachment-link").filter(has_text="surat-jalan.pdf").click()
    download = info.value
    assert download.suggested_filename == "surat-jalan.pdf"
    with open(download.path(), "rb") as handle:
        assert handle.read() == PDF
    assert AccessLog.objects.filter(event="attachment_downloaded", actor=alice).count() == 1

    page.goto(f"/cases/{case_a.pk}/rights/")
    page.get_by_label("Yang diminta oleh orang yang bersangkutan").select_option("export")
    page.get_by_role("button", name="Catat permohonan").click()
    expect(page.get_by_text("Seorang rekan harus menyetujuinya.").first).to_be_visible()
    expect(page.get_by_test_id("approve")).to_have_count(0)  # not by the one who asked
    sign_out(page)

    sign_in(page, anna)
    page.goto(f"/cases/{case_a.pk}/rights/")
    page.get_by_test_id("approve").click()
    expect(page.get_by_test_id("export-zip")).to_be_visible()
    with page.expect_download() as info:
        page.get_by_test_id("export-zip").click()
    with open(info.value.path(), "rb") as handle:
        archive = zipfile.ZipFile(io.BytesIO(handle.read()))
    names = archive.namelist()
    assert "export.json" in names
    attached = sorted(n for n in names if n.startswith("attachments/"))
    assert len(attached) == 2
    assert any(archive.read(n) == PDF for n in attached)
    photo = next(n for n in attached if n.endswith(".jpg"))
    assert b"KameraPenanda" not in archive.read(photo)
