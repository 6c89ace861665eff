"""learning.files tells a file's type by its content, never by its name."""

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
    exif = b"Exif\x00\x00" + b"GPS -8.5833 116.1167 serial XYZ"
    app1 = b"\xff\xe1" + (len(exif) + 2).to_bytes(2, "big") + exif
    app0 = b"\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    comment = b"\xff\xfe\x00\x0bShelter X"
    scan = b"\xff\xda\x00\x08\x01\x01\x00\x00\x3f\x00" + b"\x12\x34\x56" + b"\xff\xd9"
    return b"\xff\xd8" + app0 + app1 + comment + scan


def test_jpeg_metadata_is_stripped_and_the_image_kept():
    data = _jpeg_with_exif()
    clean = files.strip_metadata(data, files.JPEG)
    assert b"GPS" not in clean and b"Shelter" not in clean
    assert clean.startswith(b"\xff\xd8\xff\xe0") and clean.endswith(b"\x12\x34\x56\xff\xd9")
    assert sniff(clean) == files.JPEG


def test_png_text_and_exif_chunks_are_stripped():
    import zlib

    def chunk(kind: bytes, body: bytes) -> bytes:
        return len(body).to_bytes(4, "big") + kind + body + zlib.crc32(kind + body).to_bytes(4, "big")

    png = samples.PNG_1X1
    iend = png.rindex(b"IEND") - 4
    data = png[:iend] + chunk(b"tEXt", b"Comment\x00Rumah aman di Kupang") + chunk(b"eXIf", b"GPS") + png[iend:]
    clean = files.strip_metadata(data, files.PNG)
    assert b"Kupang" not in clean and b"eXIf" not in clean
    assert clean == png


def test_other_kinds_are_left_as_they_are():
    data = samples.pdf("x")
    assert files.strip_metadata(data, files.PDF) == data
