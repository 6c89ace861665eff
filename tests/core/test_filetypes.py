"""core.filetypes: one content sniffer and one metadata strip for every upload. A file is what its bytes say, never
its name; programs, Office macros and zip bombs are refused whatever an app accepts; photos are re-encoded from their
pixels, so EXIF (GPS, camera), text chunks and comments are gone while the picture stays."""

from __future__ import annotations

import io
import zipfile
import zlib

import pytest
from PIL import Image

from core import filetypes
from core.filetypes import DOCX, HEIC, JPEG, ODT, PDF, PNG, WEBP, XLSX, Refused
from learning import samples
from tests.casework.attachment_helpers import jpeg_with_gps

EVERYTHING = tuple(filetypes.KINDS.values())
NOT_ACCEPTED = "NOT-ACCEPTED"


@pytest.fixture(autouse=True)
def _english():
    from django.utils import translation

    with translation.override("en"):
        yield


def sniff(data: bytes, allowed=EVERYTHING) -> filetypes.Kind:
    return filetypes.sniff(io.BytesIO(data), allowed=allowed, not_accepted=NOT_ACCEPTED)


def _image(fmt: str, mode: str = "RGB", size=(40, 30), **save) -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, (200, 30, 30) if mode == "RGB" else 0).save(out, format=fmt, **save)
    return out.getvalue()


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return out.getvalue()


def _heic() -> bytes:
    import pillow_heif

    pillow_heif.register_heif_opener()
    exif = Image.Exif()
    exif[0x010F] = "KameraPenanda"
    out = io.BytesIO()
    Image.new("RGB", (32, 24), (10, 200, 10)).save(out, format="HEIF", exif=exif.tobytes())
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (samples.pdf("Laporan (rekaan)"), PDF),
        (samples.odt("SOP (rekaan)"), ODT),
        (samples.docx("Templat (rekaan)"), DOCX),
        (samples.xlsx(), XLSX),
        (samples.PNG_1X1, PNG),
        (jpeg_with_gps(), JPEG),
        (_image("WEBP"), WEBP),
        (_heic(), HEIC),
    ],
    ids=lambda value: value.code if isinstance(value, filetypes.Kind) else "",
)
def test_each_kind_is_told_by_its_content(data, kind):
    upload = io.BytesIO(data)
    assert filetypes.sniff(upload, allowed=EVERYTHING, not_accepted=NOT_ACCEPTED) == kind
    assert upload.tell() == 0


def test_a_kind_the_app_does_not_take_is_refused_with_the_apps_message():
    with pytest.raises(Refused, match=NOT_ACCEPTED):
        sniff(_image("WEBP"), allowed=(PDF, PNG, JPEG))
    with pytest.raises(Refused, match=NOT_ACCEPTED):
        sniff(samples.xlsx(), allowed=(PDF, DOCX, ODT))


@pytest.mark.parametrize(
    "data",
    [
        b"MZ\x90\x00" + b"\x00" * 60,
        b"\x7fELF\x02\x01\x01" + b"\x00" * 30,
        b"\xcf\xfa\xed\xfe" + b"\x00" * 30,
        b"\xca\xfe\xba\xbe" + b"\x00" * 30,
        b"#!/bin/sh\necho rekaan\n",
        b"dex\n035\x00" + b"\x00" * 30,
        _zip({"AndroidManifest.xml": b"<manifest/>", "classes.dex": b"dex\n035"}),
    ],
    ids=["windows", "linux", "macos", "java", "script", "dex", "apk"],
)
def test_programs_are_refused_whatever_the_app_takes(data):
    with pytest.raises(Refused, match="program"):
        sniff(data)


@pytest.mark.parametrize(
    "members",
    [
        {
            "[Content_Types].xml": DOCX.content_type.encode() + b".main+xml",
            "word/document.xml": b"<w/>",
            "word/vbaProject.bin": b"\x00",
        },
        {"mimetype": ODT.content_type.encode(), "content.xml": b"<x/>", "Basic/Standard/Module1.xml": b"<m/>"},
    ],
    ids=["docm", "odt-basic"],
)
def test_office_files_with_macros_are_refused(members):
    with pytest.raises(Refused, match="macros"):
        sniff(_zip(members))


def test_a_macro_enabled_content_type_is_not_a_document():
    data = _zip({"[Content_Types].xml": b"macroEnabled.main+xml", "word/document.xml": b"<w/>"})
    with pytest.raises(Refused, match=NOT_ACCEPTED):
        sniff(data)


def test_zip_bombs_are_refused(monkeypatch):
    monkeypatch.setattr(filetypes, "MAX_UNPACKED", 10_000)
    bomb = _zip({"[Content_Types].xml": b"x", "word/document.xml": b"\x00" * 50_000})  # compresses to little
    assert len(bomb) < 10_000
    with pytest.raises(Refused, match="too much data"):
        sniff(bomb)
    monkeypatch.setattr(filetypes, "MAX_MEMBERS", 3)
    with pytest.raises(Refused, match="too much data"):
        sniff(_zip({f"part{i}.xml": b"x" for i in range(5)}))


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"just some text",
        b"<svg onload='alert(1)'/>",
        b"GIF89a\x01\x00\x01\x00",
        b"PK\x03\x04" + b"\x00" * 30,
        _zip({"readme.txt": b"hello"}),
        _zip({"mimetype": b"application/x-evil", "content.xml": b"<x/>"}),
    ],
    ids=["empty", "text", "svg", "gif", "broken-zip", "plain-zip", "wrong-odf"],
)
def test_anything_else_is_refused(data):
    with pytest.raises(Refused, match="empty" if not data else NOT_ACCEPTED):
        sniff(data)


# --- Metadata ------------------------------------------------------------------------------------------------------


def test_a_jpeg_loses_gps_and_camera_and_keeps_its_picture():
    original = jpeg_with_gps()
    clean, kind = filetypes.strip_metadata(io.BytesIO(original), JPEG)
    data = clean.read()
    assert kind == JPEG and b"KameraPenanda" not in data and b"ModelPenanda" not in data
    with Image.open(io.BytesIO(data)) as after:
        assert after.format == "JPEG" and after.size == (64, 48)
        assert not after.getexif()
        red, green, blue = after.convert("RGB").getpixel((10, 10))
        assert red > 150 and green < 80 and blue < 80


def test_a_photo_is_turned_upright_as_its_exif_said():
    exif = Image.Exif()
    exif[0x0112] = 6  # rotated 90°: the upright picture is 30 × 40
    clean, _kind = filetypes.strip_metadata(io.BytesIO(_image("JPEG", exif=exif)), JPEG)
    with Image.open(clean) as after:
        assert after.size == (30, 40) and 0x0112 not in after.getexif()


def test_a_png_loses_its_text_and_exif_chunks():
    def chunk(kind: bytes, body: bytes) -> bytes:
        return len(body).to_bytes(4, "big") + kind + body + zlib.crc32(kind + body).to_bytes(4, "big")

    png = _image("PNG")
    iend = png.rindex(b"IEND") - 4
    data = png[:iend] + chunk(b"tEXt", b"Comment\x00Rumah aman di Kupang") + chunk(b"eXIf", b"GPS-PENANDA") + png[iend:]
    clean, kind = filetypes.strip_metadata(io.BytesIO(data), PNG)
    out = clean.read()
    assert kind == PNG and b"Kupang" not in out and b"eXIf" not in out and b"GPS-PENANDA" not in out
    with Image.open(io.BytesIO(out)) as after, Image.open(io.BytesIO(png)) as before:
        assert after.tobytes() == before.tobytes()


def test_a_transparent_png_stays_transparent():
    clean, _kind = filetypes.strip_metadata(io.BytesIO(samples.PNG_1X1), PNG)
    with Image.open(clean) as after:
        assert after.mode == "RGBA" and after.getpixel((0, 0))[3] == 0


def test_a_webp_loses_its_exif():
    exif = Image.Exif()
    exif[0x010F] = "KameraPenanda"
    clean, kind = filetypes.strip_metadata(io.BytesIO(_image("WEBP", exif=exif)), WEBP)
    assert kind == WEBP and b"KameraPenanda" not in clean.read()


def test_heic_becomes_a_jpeg_without_metadata():
    clean, kind = filetypes.strip_metadata(io.BytesIO(_heic()), HEIC)
    data = clean.read()
    assert kind == JPEG and b"KameraPenanda" not in data
    with Image.open(io.BytesIO(data)) as after:
        assert after.format == "JPEG"


def test_a_damaged_photo_is_refused_with_a_clear_message():
    with pytest.raises(Refused, match="could not be read"):
        filetypes.strip_metadata(io.BytesIO(b"\xff\xd8\xff\xe0" + b"\x00" * 40), JPEG)


def test_a_decompression_bomb_is_refused(monkeypatch):
    monkeypatch.setattr(filetypes, "MAX_IMAGE_PIXELS", 100)
    with pytest.raises(Refused, match="could not be read"):
        filetypes.strip_metadata(io.BytesIO(_image("PNG", size=(100, 100))), PNG)


def test_other_kinds_are_handed_back_as_they_are():
    upload = io.BytesIO(samples.pdf("x"))
    assert filetypes.strip_metadata(upload, PDF) == (upload, PDF)
