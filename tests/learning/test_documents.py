"""The document library: uploads checked by content and size, nothing stored when refused; downloads byte for byte,
as attachments, for members only, each in the access log."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from audit.models import AccessLog
from learning import samples, services
from learning.choices import CHECKLIST_KEYS, DocumentKind, Status
from learning.models import Document

pytestmark = pytest.mark.django_db


def upload(client, name: str, data: bytes, content_type: str = "application/pdf", **extra):
    form = {"title": "SOP rujukan (rekaan)", "kind": DocumentKind.SOP, "description": "Contoh.", **extra}
    return client.post(
        reverse("learning:document_upload"), {**form, "file": SimpleUploadedFile(name, data, content_type)}
    )


def stored_files(documents_dir) -> list:
    return [p for p in documents_dir.rglob("*") if p.is_file()] if documents_dir.exists() else []


def in_indonesian(text_of):
    with translation.override("id"):
        return str(text_of())


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("laporan.pdf", b"MZ\x90\x00" + b"\x00" * 200, lambda: "program"),  # a disguised executable
        ("laporan.pdf", b"<html><body>bukan pdf</body></html>", lambda: "PDF, DOCX, ODT"),  # a wrong type renamed
        ("kosong.pdf", b"", lambda: ""),  # an empty file (the browser sends it; Django refuses it too)
    ],
)
def test_refused_uploads_say_why_and_store_nothing(client_for, alice, documents_dir, name, data, message):
    response = upload(client_for(alice), name, data)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="id_file_error"' in page
    assert not Document.objects.exists()
    assert stored_files(documents_dir) == []
    assert "SOP rujukan (rekaan)" in page, "what was typed is kept"


def test_a_file_over_the_limit_is_refused(client_for, alice, documents_dir, settings):
    settings.JEJARING_DOCUMENT_MAX_BYTES = 2048
    response = upload(client_for(alice), "besar.pdf", samples.pdf("x") + b" " * 4096)
    page = response.content.decode()
    error = page[page.index('id="id_file_error"') :][:300]
    assert "2,0" in error and "KB" in error, error  # "… batasnya 2,0 KB": the limit, in the user's language
    assert not Document.objects.exists() and stored_files(documents_dir) == []


def test_the_refusal_is_in_the_users_language(client_for, alice, documents_dir):
    response = upload(client_for(alice), "laporan.pdf", b"MZ" + b"\x00" * 100)
    expected = in_indonesian(lambda: translation.gettext("This file is a program, not a document. It was not stored."))
    assert expected in response.content.decode()


def test_a_service_refusal_stores_nothing(alice, documents_dir):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        services.document_upload(
            actor=alice, upload=SimpleUploadedFile("x.exe", b"MZ" + b"\0" * 10), title="x", kind="sop"
        )
    assert "file" in error.value.message_dict
    assert stored_files(documents_dir) == []


def test_a_good_file_is_stored_under_a_random_name_and_downloads_byte_for_byte(
    client_for, alice, bob, carol, documents_dir
):
    data = samples.odt("Laporan forum triwulan (rekaan)")
    response = upload(client_for(alice), "../../etc/Laporan Forum.pdf", data, content_type="application/pdf")
    document = Document.objects.get()
    assert response.status_code == 302
    assert document.file_type == "odt" and document.original_name == "Laporan Forum.odt"
    assert document.status == Status.DRAFT
    [path] = stored_files(documents_dir)
    assert "Laporan" not in path.name and path.read_bytes() == data

    # A draft is its organisation's: another organisation gets a 404.
    assert client_for(bob).get(reverse("learning:document_download", args=[document.pk])).status_code == 404
    services.document_submit(actor=alice, document=document)
    services.document_publish(actor=carol, document=document, checklist=CHECKLIST_KEYS)

    response = client_for(bob).get(reverse("learning:document_download", args=[document.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == data
    assert response["Content-Disposition"].startswith("attachment;")
    assert "Laporan" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/vnd.oasis.opendocument.text"
    entry = AccessLog.objects.filter(event=AccessLog.Event.DOCUMENT_DOWNLOADED).get()
    assert entry.actor == bob and entry.object_id == document.pk and entry.object_ref == document.reference


def test_downloads_need_a_signed_in_member(client, alice, carol, documents_dir):
    document = services.document_upload(
        actor=alice,
        upload=SimpleUploadedFile("a.pdf", samples.pdf("x")),
        title="UU 21/2007 (salinan rekaan)",
        kind="law",
    )
    services.document_submit(actor=alice, document=document)
    services.document_publish(actor=carol, document=document, checklist=CHECKLIST_KEYS)
    assert client.get(reverse("learning:document_download", args=[document.pk])).status_code == 302
    assert not AccessLog.objects.filter(event=AccessLog.Event.DOCUMENT_DOWNLOADED).exists()


def test_sharing_needs_the_whole_checklist_and_a_coordinator(alice, anna, carol, documents_dir):
    from django.core.exceptions import PermissionDenied, ValidationError

    document = services.document_upload(
        actor=alice, upload=SimpleUploadedFile("a.pdf", samples.pdf("x")), title="Templat (rekaan)", kind="template"
    )
    with pytest.raises(PermissionDenied):
        services.document_submit(actor=anna, document=document)  # not the author
    services.document_submit(actor=alice, document=document)
    with pytest.raises(PermissionDenied):
        services.document_publish(actor=anna, document=document, checklist=CHECKLIST_KEYS)
    with pytest.raises(ValidationError):
        services.document_publish(actor=carol, document=document, checklist=CHECKLIST_KEYS[:-1])
    document.refresh_from_db()
    assert document.status == Status.IN_REVIEW
    services.document_publish(actor=carol, document=document, checklist=CHECKLIST_KEYS)
    document.refresh_from_db()
    assert document.status == Status.PUBLISHED and document.reviewed_by == carol
    assert document.history.first().history_user == carol


def test_review_page_shows_an_incomplete_checklist_beside_the_field(client_for, alice, carol, documents_dir):
    document = services.document_upload(
        actor=alice, upload=SimpleUploadedFile("a.pdf", samples.pdf("x")), title="Templat (rekaan)", kind="template"
    )
    services.document_submit(actor=alice, document=document)
    response = client_for(carol).post(
        reverse("learning:document_review", args=[document.pk]), {"checklist": ["no_victim"]}
    )
    assert response.status_code == 200
    assert 'id="id_checklist_error"' in response.content.decode()
    document.refresh_from_db()
    assert document.status == Status.IN_REVIEW


def test_an_uploaded_photo_loses_its_metadata(alice, documents_dir):
    from tests.learning.test_files import _jpeg_with_exif

    document = services.document_upload(
        actor=alice,
        upload=SimpleUploadedFile("foto.jpg", _jpeg_with_exif()),
        title="Foto kegiatan (rekaan)",
        kind="other",
    )
    [path] = stored_files(documents_dir)
    assert b"GPS" not in path.read_bytes() and document.size == path.stat().st_size
