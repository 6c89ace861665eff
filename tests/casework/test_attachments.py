"""Attachments: chunked encryption bound to the attachment and the chunk's place, destroyed keys, no plaintext at
rest, photos without metadata, and refusals with a clear message and nothing stored."""

from __future__ import annotations

import io
import os
import struct

import pytest
from django.db import connection
from django.urls import reverse

from audit.models import AccessLog
from casework import attachments as files
from casework import services
from casework.crypto import CryptoError, DecryptionFailed, KeyDestroyed
from casework.models import Attachment
from casework.services import attachments as service
from casework.vault import Vault
from tests.casework.attachment_helpers import attach, executable_bytes, jpeg_with_gps, pdf_bytes, upload

pytestmark = pytest.mark.django_db

MARKER_NAME = "NAMAFILE-PENANDA-8812.pdf"
MARKER_BODY = "ISI-PENANDA-6640"


@pytest.fixture(autouse=True)
def _attachments_in_tmp(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "attachments": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    settings.JEJARING_ATTACHMENT_CHUNK_BYTES = 64 * 1024  # several chunks from a small file


def _plain(attachment: Attachment) -> bytes:
    key = Vault(attachment.case_id).key()
    return b"".join(files.decrypt_chunks(key, attachment.pk, attachment.storage_name, attachment.chunk_count))


def _rewrite(attachment: Attachment, transform) -> None:
    path = files.storage().path(attachment.storage_name)
    with open(path, "rb") as handle:
        raw = handle.read()
    chunks, offset = [], 4
    while offset < len(raw):
        (length,) = struct.unpack(">I", raw[offset : offset + 4])
        chunks.append(raw[offset : offset + 4 + length])
        offset += 4 + length
    with open(path, "wb") as handle:
        handle.write(raw[:4] + b"".join(transform(chunks)))


def test_a_multi_chunk_file_round_trips(alice, case_a):
    data = pdf_bytes(size=300 * 1024) + os.urandom(1000)
    attachment = attach(alice, case_a, data=data)
    assert attachment.chunk_count == 5
    assert attachment.size == len(data)
    assert _plain(attachment) == data


def test_a_tampered_chunk_fails(alice, case_a):
    attachment = attach(alice, case_a, data=pdf_bytes(size=200 * 1024))

    def flip(chunks):
        second = bytearray(chunks[1])
        second[40] ^= 1
        return [chunks[0], bytes(second), *chunks[2:]]

    _rewrite(attachment, flip)
    with pytest.raises(DecryptionFailed):
        _plain(attachment)


@pytest.mark.parametrize(
    "transform",
    [
        lambda c: [c[1], c[0], *c[2:]],  # reordered
        lambda c: c[:-1],  # truncated: the last chunk dropped
        lambda c: [*c, c[-1]],  # a chunk repeated at the end
    ],
    ids=["reordered", "truncated", "extended"],
)
def test_chunks_out_of_place_fail(alice, case_a, transform):
    attachment = attach(alice, case_a, data=pdf_bytes(size=200 * 1024))
    _rewrite(attachment, transform)
    with pytest.raises(DecryptionFailed):
        _plain(attachment)


def test_chunks_moved_to_another_attachment_fail(alice, case_a):
    first = attach(alice, case_a, data=pdf_bytes(size=200 * 1024))
    second = attach(alice, case_a, data=pdf_bytes("LAIN", size=200 * 1024))
    with open(files.storage().path(first.storage_name), "rb") as handle:
        stolen = handle.read()
    with open(files.storage().path(second.storage_name), "wb") as handle:
        handle.write(stolen)
    with pytest.raises(DecryptionFailed):
        _plain(second)


def test_a_destroyed_case_key_makes_the_file_unreadable(alice, case_a, client_for):
    attachment = attach(alice, case_a)
    services.case_key_destroy(actor=alice, case=case_a)
    with pytest.raises(KeyDestroyed):
        _plain(attachment)
    url = reverse("casework:attachment_download", args=[case_a.pk, attachment.pk])
    assert client_for(alice).get(url).status_code == 503  # fail closed, a clear page


def test_no_plaintext_of_the_file_or_its_name_at_rest(alice, case_a, client_for, tmp_path):
    data = pdf_bytes(MARKER_BODY, size=150 * 1024)
    response = client_for(alice).post(
        reverse("casework:case_attachments", args=[case_a.pk]),
        {"uploads": [upload(MARKER_NAME, data)], "section": "notes", "description": "DESKRIPSI-PENANDA-3391"},
    )
    assert response.status_code == 302
    attachment = Attachment.objects.get(case=case_a)
    stored = files.stored_bytes(attachment.storage_name)
    for marker in (MARKER_BODY, MARKER_NAME, "NAMAFILE-PENANDA", "DESKRIPSI-PENANDA"):
        assert marker.encode() not in stored
    assert MARKER_NAME not in attachment.storage_name
    # No table holds the name, the description or the content in plain text.
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        for table in tables:
            cursor.execute(f'SELECT * FROM "{table}"')
            dump = repr(cursor.fetchall())
            for marker in ("NAMAFILE-PENANDA", "DESKRIPSI-PENANDA", MARKER_BODY):
                assert marker not in dump, (table, marker)
    # And it comes back whole, with its name, through the gate.
    download = client_for(alice).get(reverse("casework:attachment_download", args=[case_a.pk, attachment.pk]))
    assert b"".join(download.streaming_content) == data
    assert MARKER_NAME in download["Content-Disposition"]
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in download["Cache-Control"]
    assert download["Content-Type"] == "application/pdf"
    events = set(AccessLog.objects.filter(object_id=case_a.pk).values_list("event", flat=True))
    assert {"attachment_uploaded", "attachment_downloaded"} <= events
    assert not AccessLog.objects.filter(detail__contains="PENANDA").exists()


def test_a_photo_loses_its_gps_and_camera_tags(alice, case_a, client_for):
    from PIL import Image

    original = jpeg_with_gps()
    with Image.open(io.BytesIO(original)) as before:
        assert before.getexif().get(0x8825)  # the fixture really carries GPS
    client_for(alice).post(
        reverse("casework:case_attachments", args=[case_a.pk]),
        {"uploads": [upload("foto.jpg", original, "image/jpeg")], "section": "identity"},
    )
    attachment = Attachment.objects.get(case=case_a)
    clean = _plain(attachment)
    assert b"KameraPenanda" not in clean and b"ModelPenanda" not in clean
    with Image.open(io.BytesIO(clean)) as after:
        assert after.format == "JPEG"
        exif = after.getexif()
        assert 0x8825 not in exif and 0x010F not in exif and 0x0110 not in exif
        assert after.size == (64, 48)
    assert attachment.section == "identity"


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("kontrak.pdf", executable_bytes(), "program"),
        ("kosong.pdf", b"", "empty"),
        ("aneh.pdf", b"just some text, not a PDF", "Attach a PDF"),
    ],
    ids=["renamed-executable", "empty", "unknown"],
)
def test_refused_files_say_why_beside_the_field_and_nothing_is_stored(alice, case_a, client_for, name, data, message):
    alice.language = "en"
    alice.save()
    client = client_for(alice)
    response = client.post(
        reverse("casework:case_attachments", args=[case_a.pk]),
        {"uploads": [upload(name, data), upload("baik.pdf", pdf_bytes())], "section": "notes"},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors["uploads"]
    assert any(message in e for e in errors), errors
    assert Attachment.objects.count() == 0
    assert not any(files.storage().listdir("")[0] + files.storage().listdir("")[1])


def test_an_oversized_file_is_refused(alice, case_a, client_for, settings):
    settings.JEJARING_ATTACHMENT_MAX_MB = 1
    response = client_for(alice).post(
        reverse("casework:case_attachments", args=[case_a.pk]),
        {"uploads": [upload("besar.pdf", pdf_bytes(size=1024 * 1024 + 10))], "section": "notes"},
    )
    assert response.status_code == 200
    assert "1 MB" in " ".join(response.context["form"].errors["uploads"])
    assert Attachment.objects.count() == 0


def test_several_files_at_once_and_deletion_keeps_history(
    alice, case_a, client_for, django_capture_on_commit_callbacks
):
    from tests.casework.attachment_helpers import png_bytes

    client = client_for(alice)
    response = client.post(
        reverse("casework:case_attachments", args=[case_a.pk]),
        {"uploads": [upload("a.pdf", pdf_bytes()), upload("b.png", png_bytes())], "section": "notes"},
    )
    assert response.status_code == 302
    assert Attachment.objects.filter(case=case_a).count() == 2
    attachment = Attachment.objects.filter(case=case_a, content_type="image/png").get()
    name = attachment.storage_name
    with pytest.raises(CryptoError):
        Vault(case_a.pk).open("casework.attachment", "name_enc", "other-id", attachment.name_enc)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("casework:attachment_delete", args=[case_a.pk, attachment.pk]))
    assert response.status_code == 302
    attachment.refresh_from_db()
    assert attachment.deleted_at is not None
    last = attachment.history.latest()
    assert last.history_change_reason == "deleted" and last.history_user == alice
    assert not files.storage().exists(name)
    page = client.get(reverse("casework:case_attachments", args=[case_a.pk]))
    assert len(page.context["attachments"]) == 1
    assert client.get(reverse("casework:attachment_download", args=[case_a.pk, attachment.pk])).status_code == 404
    assert AccessLog.objects.filter(event="attachment_deleted", object_id=case_a.pk).count() == 1


def test_the_service_refuses_a_caseworker_without_change(bob, case_a):
    from django.core.exceptions import PermissionDenied

    item = service.prepare(upload("x.pdf", pdf_bytes()))
    with pytest.raises(PermissionDenied):
        service.attachment_add(actor=bob, case=case_a, incoming=[item], section="notes")


def test_a_heic_photo_is_read_and_stored_as_a_jpeg_without_metadata(alice, case_a, client_for):
    import pillow_heif
    from PIL import Image

    pillow_heif.register_heif_opener()
    image = Image.new("RGB", (32, 24), (10, 200, 10))
    exif = Image.Exif()
    exif[0x010F] = "KameraPenanda"
    raw = io.BytesIO()
    image.save(raw, format="HEIF", exif=exif.tobytes())
    response = client_for(alice).post(
        reverse("casework:case_attachments", args=[case_a.pk]),
        {"uploads": [upload("IMG_0001.HEIC", raw.getvalue(), "image/heic")], "section": "identity"},
    )
    assert response.status_code == 302
    attachment = Attachment.objects.get(case=case_a)
    assert attachment.content_type == "image/jpeg"
    assert service.attachment_name(attachment).endswith(".jpg")
    clean = _plain(attachment)
    assert b"KameraPenanda" not in clean
    with Image.open(io.BytesIO(clean)) as after:
        assert after.format == "JPEG" and 0x010F not in after.getexif()


def test_a_file_past_the_limit_is_refused_by_its_size(alice, case_a, client_for, settings):
    """Above the in-memory size the upload goes to the sealed temporary file (core.uploads), which stops growing at
    the limit (tests/core/test_uploads.py); the form still sees the true size and refuses it."""
    settings.JEJARING_ATTACHMENT_MAX_MB = 1
    settings.JEJARING_UPLOAD_MAX_BYTES = 1024 * 1024
    response = client_for(alice).post(
        reverse("casework:case_attachments", args=[case_a.pk]),
        {"uploads": [upload("besar.pdf", pdf_bytes(size=3 * 1024 * 1024))], "section": "notes"},
    )
    assert response.status_code == 200
    assert "1 MB" in " ".join(response.context["form"].errors["uploads"])
    assert Attachment.objects.count() == 0
