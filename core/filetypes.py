"""What a file is, told by its content (never its name or the type the browser sent), and how a photo loses its
metadata. One module for every upload of the project: casework's attachments and learning's documents each keep
their own set of accepted kinds and their own size limit, and ask this module the rest.

``sniff(upload, allowed=..., not_accepted=...)`` returns the file's ``Kind`` or raises ``Refused`` with a message in
the user's language. Refused whatever the app accepts: programs (Windows, Linux, macOS, Java, Android packages,
scripts), Office files with macros, and archives that would unpack to more than ``MAX_UNPACKED`` bytes or hold more
than ``MAX_MEMBERS`` members. Office formats are ZIP archives recognised by their structure: DOCX and XLSX by
``[Content_Types].xml`` and their main part, ODT by its leading ``mimetype`` member (ISO/IEC 26300, 3.3).

``strip_metadata(upload, kind)`` re-encodes a photo from its pixels only (Pillow): EXIF with the GPS position and the
camera, XMP, comments, text chunks and thumbnails are gone; the picture is turned upright first, as EXIF said. HEIC
(iPhones, read with pillow-heif) becomes JPEG. Other kinds are handed back as they are.
"""

from __future__ import annotations

import io
import struct
import zipfile
from collections.abc import Collection
from dataclasses import dataclass
from typing import IO, Any

from django.utils.translation import gettext as _

try:  # HEIC photos (iPhones) are read when pillow-heif is installed; it is in the project's dependencies.
    import pillow_heif

    pillow_heif.register_heif_opener()
    HEIC_READABLE = True
except ImportError:  # pragma: no cover - the dependency is declared
    HEIC_READABLE = False


@dataclass(frozen=True)
class Kind:
    code: str
    extension: str
    content_type: str
    image: bool = False


PDF = Kind("pdf", "pdf", "application/pdf")
PNG = Kind("png", "png", "image/png", image=True)
JPEG = Kind("jpeg", "jpg", "image/jpeg", image=True)
WEBP = Kind("webp", "webp", "image/webp", image=True)
HEIC = Kind("heic", "heic", "image/heic", image=True)
DOCX = Kind("docx", "docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
XLSX = Kind("xlsx", "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
ODT = Kind("odt", "odt", "application/vnd.oasis.opendocument.text")
KINDS = {kind.code: kind for kind in (PDF, PNG, JPEG, WEBP, HEIC, DOCX, XLSX, ODT)}
BY_CONTENT_TYPE = {kind.content_type: kind for kind in KINDS.values()}

MAX_UNPACKED = 200 * 1024 * 1024
MAX_MEMBERS = 5000
MAX_IMAGE_PIXELS = 60_000_000

_PROGRAMS = (
    b"MZ",  # Windows executables
    b"\x7fELF",  # Linux
    b"\xcf\xfa\xed\xfe",  # macOS Mach-O, 64 and 32 bit, both byte orders
    b"\xce\xfa\xed\xfe",
    b"\xfe\xed\xfa\xcf",
    b"\xfe\xed\xfa\xce",
    b"\xca\xfe\xba\xbe",  # Mach-O universal, Java classes
    b"#!",  # scripts
    b"dex\n",  # Android
)
_ANDROID = {"classes.dex", "AndroidManifest.xml"}
_MACRO_SUFFIXES = ("vbaproject.bin", "vbadata.xml")
_MACRO_FOLDERS = ("basic/", "scripts/")  # ODF macros
_HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"}


class Refused(ValueError):
    """The file may not be stored; ``str(error)`` says why, in the active language."""


def program_message() -> str:
    return _("This file is a program, not a document. It was not stored.")


def sniff(upload: IO[bytes] | Any, *, allowed: Collection[Kind], not_accepted: str) -> Kind:
    """The kind of ``upload`` if it is one of ``allowed``; else Refused (``not_accepted`` names what the app takes).
    Leaves the file at its start."""
    upload.seek(0)
    head = upload.read(64)
    upload.seek(0)
    if not head:
        raise Refused(_("This file is empty."))
    if head.startswith(_PROGRAMS):
        raise Refused(program_message())
    kind = _by_head(head)
    if kind is None and head.startswith(b"PK\x03\x04"):
        kind = _office(upload, not_accepted)
    if kind is HEIC and not HEIC_READABLE:
        raise Refused(_("HEIC photos cannot be read here. Save the photo as JPEG and upload it again."))
    if kind is None or kind not in allowed:
        raise Refused(not_accepted)
    return kind


def _by_head(head: bytes) -> Kind | None:
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head[4:8] == b"ftyp" and head[8:12] in _HEIF_BRANDS:
        return HEIC
    return None


def _office(upload: Any, not_accepted: str) -> Kind | None:
    try:
        with zipfile.ZipFile(upload) as archive:
            members = archive.infolist()
            names = {m.filename for m in members}
            if names & _ANDROID:
                raise Refused(program_message())
            if len(members) > MAX_MEMBERS or sum(m.file_size for m in members) > MAX_UNPACKED:
                raise Refused(_("This archive unpacks to too much data to be a document."))
            lowered = {name.lower() for name in names}
            if any(name.endswith(_MACRO_SUFFIXES) or name.startswith(_MACRO_FOLDERS) for name in lowered):
                raise Refused(_("This document contains macros, which could run a program. Save it without them."))
            return _office_kind(archive, members, names)
    except Refused:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, OSError, RuntimeError, ValueError, EOFError):
        raise Refused(not_accepted) from None
    finally:
        upload.seek(0)


def _office_kind(archive: zipfile.ZipFile, members: list[zipfile.ZipInfo], names: set[str]) -> Kind | None:
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


# --- Photos lose their metadata ------------------------------------------------------------------------------------


def _upright(image: Any) -> Any:
    """The picture turned as its EXIF orientation says; as it is when the EXIF cannot be read (it is dropped anyway)."""
    from PIL import ImageOps

    try:
        return ImageOps.exif_transpose(image) or image
    except (OSError, SyntaxError, ValueError, KeyError, TypeError, struct.error):
        return image


def strip_metadata(upload: IO[bytes] | Any, kind: Kind) -> tuple[IO[bytes], Kind]:
    """A photo re-encoded from its pixels only, and its kind (HEIC becomes JPEG); other kinds as they are. Raises
    Refused for a photo that cannot be read (damaged, or too many pixels to be a photo)."""
    if not kind.image:
        return upload, kind
    from PIL import Image, UnidentifiedImageError

    Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS
    out_kind = JPEG if kind == HEIC else kind
    upload.seek(0)
    try:
        with Image.open(upload) as image:
            image.load()
            upright = _upright(image)
            if out_kind == JPEG and upright.mode not in ("RGB", "L"):
                upright = upright.convert("RGB")
            clean = Image.frombytes(upright.mode, upright.size, upright.tobytes())
            if upright.mode == "P" and upright.getpalette():
                clean.putpalette(upright.getpalette() or [])
            transparency = upright.info.get("transparency") if out_kind == PNG else None
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError, ValueError):
        raise Refused(_("This photo could not be read. It may be damaged; take or save it again.")) from None
    finally:
        upload.seek(0)
    output = io.BytesIO()
    if out_kind == JPEG:
        clean.save(output, format="JPEG", quality=90, optimize=True)
    elif out_kind == PNG:
        extra = {"transparency": transparency} if transparency is not None else {}
        clean.save(output, format="PNG", optimize=True, **extra)
    else:
        clean.save(output, format="WEBP", quality=90)
    output.seek(0)
    return output, out_kind
