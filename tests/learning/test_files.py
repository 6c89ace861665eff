"""learning.files tells a file's type by its content, never by its name (through core.filetypes), within the
library's own kinds and size limit."""

from __future__ import annotations

import io
import zipfile

import pytest

from learning import files, samples

LIMIT = 1024 * 1024


@pytest.fixture(autouse=True)
def _english():
    from django.utils import translation

    with translation.override("en"):
        yield


def sniff(data: bytes, limit: int = LIMIT) -> files.Kind:
    return files.sniff(io.BytesIO(data), max_bytes=limit)


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (samples.pdf("Laporan forum (rekaan)"), files.PDF),
        (samples.odt("SOP rujukan (rekaan)"), files.ODT),
        (samples.docx("Templat surat (rekaan)"), files.DOCX),
        (samples.xlsx(), files.XLSX),
        (samples.PNG_1X1, files.PNG),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 20, files.JPEG),
    ],
)
def test_accepted_documents_are_recognised_by_content(data, kind):
    assert sniff(data) == kind


@pytest.mark.parametrize(
    "data",
    [
        b"MZ\x90\x00" + b"\x00" * 60,  # a Windows program
        b"\x7fELF\x02\x01\x01" + b"\x00" * 30,  # a Linux program
        b"#!/bin/sh\nrm -rf /\n",
    ],
)
def test_programs_are_refused(data):
    with pytest.raises(files.Refused, match="program"):
        sniff(data)


@pytest.mark.parametrize(
    "data",
    [
        b"<html><script>alert(1)</script></html>",
        b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
        b"just some text",
        b"GIF89a\x01\x00\x01\x00",
    ],
)
def test_other_content_is_refused(data):
    with pytest.raises(files.Refused, match="PDF, DOCX"):
        sniff(data)


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return out.getvalue()


def test_a_plain_zip_is_not_an_office_document():
    with pytest.raises(files.Refused):
        sniff(_zip({"readme.txt": b"hello"}))


def test_a_zip_claiming_a_wrong_odf_mimetype_is_refused():
    with pytest.raises(files.Refused):
        sniff(_zip({"mimetype": b"application/x-evil", "content.xml": b"<x/>"}))


def test_office_files_with_macros_are_refused():
    data = _zip(
        {
            "[Content_Types].xml": b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
            "word/document.xml": b"<w/>",
            "word/vbaProject.bin": b"\x00",
        }
    )
    with pytest.raises(files.Refused, match="macros"):
        sniff(data)


def test_a_broken_zip_is_refused():
    with pytest.raises(files.Refused):
        sniff(b"PK\x03\x04" + b"\x00" * 30)


def test_empty_and_oversized_files_are_refused():
    with pytest.raises(files.Refused, match="empty"):
        sniff(b"")
    with pytest.raises(files.Refused, match="limit"):
        sniff(samples.pdf("x") + b" " * 2048, limit=1024)


def test_the_name_does_not_matter():
    upload = io.BytesIO(b"MZ" + b"\x00" * 100)
    upload.name = "laporan.pdf"
    with pytest.raises(files.Refused):
        files.sniff(upload, max_bytes=LIMIT)


def _jpeg_with_exif() -> bytes:
    """A real JPEG with EXIF camera and GPS tags and a comment (as a phone writes them)."""
    from PIL import Image

    exif = Image.Exif()
    exif[0x010F] = "KameraRekaan"
    exif[0x8825] = {1: "S", 2: (8.0, 35.0, 0.0), 3: "E", 4: (116.0, 7.0, 0.0)}
    out = io.BytesIO()
    Image.new("RGB", (16, 12), (0, 120, 60)).save(out, format="JPEG", exif=exif, comment=b"GPS Shelter X")
    return out.getvalue()


# Metadata stripping itself (Pillow re-encoding, shared with the attachments) is tested in tests/core/test_filetypes.py.


def test_a_library_photo_loses_its_metadata_and_keeps_its_kind():
    from PIL import Image

    data = _jpeg_with_exif()
    assert b"GPS" in data and b"KameraRekaan" in data
    clean, kind = files.strip_metadata(io.BytesIO(data), files.JPEG)
    out = clean.read()
    assert kind == files.JPEG and b"GPS" not in out and b"Shelter" not in out and b"KameraRekaan" not in out
    assert sniff(out) == files.JPEG
    with Image.open(io.BytesIO(out)) as after:
        assert after.size == (16, 12) and not after.getexif()


def test_the_library_takes_only_its_own_kinds():
    from PIL import Image

    webp = io.BytesIO()
    Image.new("RGB", (4, 4)).save(webp, format="WEBP")
    with pytest.raises(files.Refused, match="PDF, DOCX"):
        sniff(webp.getvalue())


def test_other_kinds_are_left_as_they_are():
    upload = io.BytesIO(samples.pdf("x"))
    assert files.strip_metadata(upload, files.PDF) == (upload, files.PDF)
