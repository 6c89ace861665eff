"""What a file is, told by its content: never by its name or the type the browser sent.

``sniff(upload, max_bytes=...)`` returns the file's ``Kind`` or raises ``Refused`` with a message in the user's
language. Accepted: PDF, PNG, JPEG, and the Office formats DOCX, XLSX and ODT, which are ZIP archives recognised by
their structure (DOCX and XLSX by ``[Content_Types].xml`` and their main part, ODT by its leading ``mimetype`` member).
Office files with macros are refused, and so are archives that would unpack to more than ``MAX_UNPACKED`` bytes.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from typing import IO, Any

from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Kind:
    code: str
    extension: str
    content_type: str


PDF = Kind("pdf", "pdf", "application/pdf")
PNG = Kind("png", "png", "image/png")
JPEG = Kind("jpeg", "jpg", "image/jpeg")
DOCX = Kind("docx", "docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
XLSX = Kind("xlsx", "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
ODT = Kind("odt", "odt", "application/vnd.oasis.opendocument.text")
KINDS = {kind.code: kind for kind in (PDF, PNG, JPEG, DOCX, XLSX, ODT)}

MAX_UNPACKED = 200 * 1024 * 1024
MAX_MEMBERS = 5000
_EXECUTABLES = (b"MZ", b"\x7fELF", b"\xca\xfe\xba\xbe", b"\xcf\xfa\xed\xfe", b"\xce\xfa\xed\xfe", b"#!")
_MACROS = ("vbaproject.bin", "vbadata.xml", "basic/", "scripts/")


class Refused(ValueError):
    """The file may not be stored; ``str(error)`` says why, in the active language."""


def _size(upload: Any) -> int:
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, 2)
        size = upload.tell()
    return int(size)


def sniff(upload: IO[bytes] | Any, *, max_bytes: int) -> Kind:
    size = _size(upload)
    if size == 0:
        raise Refused(_("The file is empty."))
    if size > max_bytes:
        raise Refused(
            _("The file is %(size)s; the limit is %(limit)s.")
            % {"size": filesizeformat(size), "limit": filesizeformat(max_bytes)}
        )
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(_EXECUTABLES):
        raise Refused(_("This file is a program, not a document. It was not stored."))
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"PK\x03\x04"):
        return _office(upload)
    raise Refused(_not_accepted())


def _not_accepted() -> str:
    return _("This file is not a PDF, DOCX, ODT, XLSX, PNG or JPEG document (its content was checked, not its name).")


def _office(upload: Any) -> Kind:
    try:
        with zipfile.ZipFile(upload) as archive:
            members = archive.infolist()
            if len(members) > MAX_MEMBERS or sum(m.file_size for m in members) > MAX_UNPACKED:
                raise Refused(_("This archive unpacks to too much data to be a document."))
            names = {m.filename for m in members}
            lowered = {name.lower() for name in names}
            if any(name.endswith(_MACROS[:2]) or name.startswith(_MACROS[2:]) for name in lowered):
                raise Refused(_("This document contains macros, which could run a program. Save it without them."))
            kind = _office_kind(archive, members, names)
    except zipfile.BadZipFile:
        raise Refused(_not_accepted()) from None
    finally:
        upload.seek(0)
    if kind is None:
        raise Refused(_not_accepted())
    return kind


def _office_kind(archive: zipfile.ZipFile, members: list[zipfile.ZipInfo], names: set[str]) -> Kind | None:
    # ODF puts an uncompressed "mimetype" member first (ISO/IEC 26300, 3.3).
    if members and members[0].filename == "mimetype" and members[0].file_size < 200:
        if archive.read("mimetype").strip() == ODT.content_type.encode() and "content.xml" in names:
            return ODT
        return None
    if "[Content_Types].xml" not in names or archive.getinfo("[Content_Types].xml").file_size > 1024 * 1024:
        return None
    content_types = archive.read("[Content_Types].xml")
    if b"macroEnabled" in content_types:
        return None
    if "word/document.xml" in names and DOCX.content_type.encode() + b".main+xml" in content_types:
        return DOCX
    if "xl/workbook.xml" in names and b"spreadsheetml.sheet.main+xml" in content_types:
        return XLSX
    return None


# --- Image metadata --------------------------------------------------------------------------------------------

_PNG_METADATA = {b"eXIf", b"tEXt", b"iTXt", b"zTXt", b"tIME"}


def strip_metadata(data: bytes, kind: Kind) -> bytes:
    """The image without its metadata (EXIF with GPS position and camera serial, comments, text chunks), the pixels
    untouched: a photo of a shelter must not tell where the shelter is. Other kinds are returned as they are."""
    if kind == JPEG:
        return _strip_jpeg(data)
    if kind == PNG:
        return _strip_png(data)
    return data


def _strip_jpeg(data: bytes) -> bytes:
    out, i = bytearray(data[:2]), 2  # SOI
    while i + 4 <= len(data) and data[i] == 0xFF:
        marker = data[i + 1]
        if marker == 0xDA:  # start of scan: the compressed image follows, to the end
            out += data[i:]
            return bytes(out)
        length = int.from_bytes(data[i + 2 : i + 4], "big")
        segment = data[i : i + 2 + length]
        # APP1..APP15 (EXIF, XMP, ICC, maker notes...) and COM go; APP0 (JFIF) and the image's own tables stay.
        if not (0xE1 <= marker <= 0xEF or marker == 0xFE):
            out += segment
        i += 2 + length
    out += data[i:]
    return bytes(out)


def _strip_png(data: bytes) -> bytes:
    out, i = bytearray(data[:8]), 8
    while i + 12 <= len(data):
        length = int.from_bytes(data[i : i + 4], "big")
        chunk_type = data[i + 4 : i + 8]
        chunk = data[i : i + 12 + length]
        if chunk_type not in _PNG_METADATA:
            out += chunk
        i += 12 + length
        if chunk_type == b"IEND":
            break
    return bytes(out)
