"""A large upload (past FILE_UPLOAD_MAX_MEMORY_SIZE) never lies on disk in plain text during the request: the
temporary file holds ciphertext under a key of that request (core.uploads), the attachment and the library document
still round-trip byte for byte, and the temporary file is gone when the request ends."""

from __future__ import annotations

import os

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from casework.models import Attachment
from casework.services import attachments as service
from core import uploads
from tests.casework.attachment_helpers import upload

pytestmark = pytest.mark.django_db

MARKER = b"PASPOR-PENANDA-40917 "


def marker_pdf(size: int) -> bytes:
    """A PDF-looking file with the marker in every 64 KiB of it, so any plaintext on disk would show it."""
    head = b"%PDF-1.4\n"
    return head + (MARKER * (size // len(MARKER) + 1))[: size - len(head)]


@pytest.fixture
def spied(monkeypatch):
    """Every sealed temporary file of the request: its path and what lay on disk when the file was complete."""
    seen: list[dict] = []
    original = uploads.SealedUploadHandler.file_complete

    def file_complete(self, file_size):
        uploaded = original(self, file_size)
        with open(self.spool.path, "rb") as raw:
            seen.append({"path": self.spool.path, "on_disk": raw.read(), "size": file_size})
        return uploaded

    monkeypatch.setattr(uploads.SealedUploadHandler, "file_complete", file_complete)
    return seen


@pytest.fixture(autouse=True)
def _stores_in_tmp(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "attachments": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
        "documents": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "documents")},
        },
    }


def test_the_handlers_are_memory_first_then_sealed():
    assert django_settings.FILE_UPLOAD_HANDLERS == [
        "django.core.files.uploadhandler.MemoryFileUploadHandler",
        "core.uploads.SealedUploadHandler",
    ]


def test_a_large_attachment_waits_encrypted_and_round_trips(alice, case_a, client_for, spied, monkeypatch):
    data = marker_pdf(3 * 1024 * 1024 + 12345)
    assert len(data) > django_settings.FILE_UPLOAD_MAX_MEMORY_SIZE
    during: list[bool] = []
    original_prepare = service.prepare

    def prepare(uploaded):  # while the view works on the file, the temporary file is there, sealed
        assert isinstance(uploaded, uploads.SealedUploadedFile)
        with open(uploaded.file.path, "rb") as raw:
            on_disk = raw.read()
        during.append(MARKER not in on_disk and len(on_disk) > len(data))
        return original_prepare(uploaded)

    monkeypatch.setattr("casework.forms.attachments.prepare", prepare)
    client = client_for(alice)
    response = client.post(
        reverse("casework:case_attachments", args=[case_a.pk]),
        {"uploads": [upload("paspor-rekaan.pdf", data, "application/pdf")], "section": "identity"},
    )
    assert response.status_code == 302
    assert during == [True]
    [spool] = spied
    assert spool["size"] == len(data)
    assert MARKER not in spool["on_disk"] and MARKER.strip() not in spool["on_disk"]
    assert not os.path.exists(spool["path"])  # gone when the request ended
    attachment = Attachment.objects.get(case=case_a)
    assert attachment.size == len(data)
    download = client.get(reverse("casework:attachment_download", args=[case_a.pk, attachment.pk]))
    assert b"".join(download.streaming_content) == data


def test_a_small_attachment_stays_in_memory(alice, case_a, client_for, spied):
    response = client_for(alice).post(
        reverse("casework:case_attachments", args=[case_a.pk]),
        {"uploads": [upload("surat-rekaan.pdf", marker_pdf(100_000), "application/pdf")], "section": "notes"},
    )
    assert response.status_code == 302
    assert spied == []


def test_a_large_library_document_goes_through_the_same_handler(alice, client_for, spied, tmp_path):
    from learning.choices import DocumentKind
    from learning.models import Document

    data = marker_pdf(4 * 1024 * 1024)
    client = client_for(alice)
    response = client.post(
        reverse("learning:document_upload"),
        {
            "title": "Laporan besar (rekaan)",
            "kind": DocumentKind.SOP,
            "description": "Contoh.",
            "file": upload("laporan-rekaan.pdf", data, "application/pdf"),
        },
    )
    assert response.status_code == 302, response.content[:500]
    [spool] = spied
    assert MARKER not in spool["on_disk"]
    assert not os.path.exists(spool["path"])
    document = Document.objects.get()
    assert document.size == len(data)
    [stored] = [p for p in (tmp_path / "documents").rglob("*") if p.is_file()]
    assert stored.read_bytes() == data  # the storage read the plaintext through the spool, not moved the ciphertext


def test_a_library_document_past_its_limit_is_refused(alice, client_for, settings, tmp_path):
    from learning.choices import DocumentKind
    from learning.models import Document

    settings.JEJARING_DOCUMENT_MAX_BYTES = 3 * 1024 * 1024
    response = client_for(alice).post(
        reverse("learning:document_upload"),
        {
            "title": "Terlalu besar (rekaan)",
            "kind": DocumentKind.SOP,
            "file": upload("besar-rekaan.pdf", marker_pdf(4 * 1024 * 1024), "application/pdf"),
        },
    )
    assert response.status_code == 200
    assert Document.objects.count() == 0
