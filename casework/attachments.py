"""Attachments: what a file is (by its content, never its name), how images lose their metadata, and how a file is
encrypted in chunks under its case's data key.

Stored format (one object per attachment under a random name in ``storages["attachments"]``)::

    b"JJA1" | chunk 0 | chunk 1 | ... | chunk n-1
    chunk = 4-byte big-endian length | 12-byte nonce | AES-256-GCM ciphertext and tag

Each chunk's associated data names the attachment id, the chunk's index, the number of chunks and whether it is the
last, so that chunks reordered, dropped, repeated, cut short or moved into another attachment do not decrypt. A file
is read and written one chunk at a time (``settings.JEJARING_ATTACHMENT_CHUNK_BYTES``, 1 MiB): neither the
plaintext nor the ciphertext of a whole file is held in memory.
"""

from __future__ import annotations

import io
import math
import os
import secrets
import struct
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.files import File
from django.core.files.storage import Storage, storages
from django.utils.translation import gettext as _

from casework.crypto import NONCE_BYTES, DecryptionFailed

MAGIC = b"JJA1"
_LENGTH = struct.Struct(">I")
LABEL = "casework.attachment"

try:  # HEIC photos (iPhones) are read when pillow-heif is installed; it is in the project's dependencies.
    import pillow_heif

    pillow_heif.register_heif_opener()
    HEIC = True
except ImportError:  # pragma: no cover - the dependency is declared
    HEIC = False


def storage() -> Storage:
    return storages["attachments"]


def chunk_size() -> int:
    return int(settings.JEJARING_ATTACHMENT_CHUNK_BYTES)


def max_bytes() -> int:
    return int(settings.JEJARING_ATTACHMENT_MAX_MB) * 1024 * 1024


def new_storage_name() -> str:
    token = secrets.token_hex(16)
    return f"{token[:2]}/{token}"


# --- What a file is --------------------------------------------------------------------------------------------

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
WEBP = "image/webp"
HEIF = "image/heic"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT = "application/vnd.oasis.opendocument.text"
IMAGES = {JPEG, PNG, WEBP, HEIF}
EXTENSIONS = {PDF: "pdf", JPEG: "jpg", PNG: "png", WEBP: "webp", HEIF: "heic", DOCX: "docx", ODT: "odt"}

_PROGRAMS = (
    b"MZ",  # Windows executables
    b"\x7fELF",  # Linux
    b"\xcf\xfa\xed\xfe",  # macOS Mach-O
    b"\xfe\xed\xfa\xcf",
    b"\xca\xfe\xba\xbe",  # Mach-O universal, Java classes
    b"#!",  # scripts
    b"dex\n",  # Android
)
_HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"}


class Refused(ValueError):
    """The file is not accepted; the message says why, in the user's language."""


def detect(upload: IO[bytes]) -> str:
    """The content type of an uploaded file from its first bytes (and, for office documents, its zip directory).
    Raises Refused for anything else. Leaves the file at its start."""
    upload.seek(0)
    head = upload.read(64)
    upload.seek(0)
    if not head:
        raise Refused(_("This file is empty."))
    if head.startswith(_PROGRAMS) or (head.startswith(b"PK") and _is_android_package(upload)):
        raise Refused(_("This file is a program, not a document or a photo. Programs cannot be attached."))
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head[4:8] == b"ftyp" and head[8:12] in _HEIF_BRANDS:
        if not HEIC:
            raise Refused(_("HEIC photos cannot be read here. Save the photo as JPEG and attach it again."))
        return HEIF
    if head.startswith(b"PK\x03\x04"):
        kind = _office_document(upload)
        if kind:
            return kind
    raise Refused(_("Attach a PDF, a JPEG, PNG, WEBP or HEIC photo, or a DOCX or ODT document."))


def _zip_names(upload: IO[bytes]) -> tuple[list[str], zipfile.ZipFile | None]:
    try:
        archive = zipfile.ZipFile(upload)
        return archive.namelist(), archive
    except (zipfile.BadZipFile, OSError, ValueError):
        return [], None
    finally:
        upload.seek(0)


def _is_android_package(upload: IO[bytes]) -> bool:
    names, _archive = _zip_names(upload)
    return "classes.dex" in names or "AndroidManifest.xml" in names


def _office_document(upload: IO[bytes]) -> str:
    names, archive = _zip_names(upload)
    if archive is None:
        return ""
    try:
        if "word/document.xml" in names and "[Content_Types].xml" in names:
            return DOCX
        if names and names[0] == "mimetype" and archive.read("mimetype").strip() == ODT.encode():
            return ODT
    except (zipfile.BadZipFile, KeyError, OSError, RuntimeError):
        return ""
    finally:
        upload.seek(0)
    return ""


# --- Images lose their metadata --------------------------------------------------------------------------------

MAX_IMAGE_PIXELS = 60_000_000


def scrub_image(upload: IO[bytes], content_type: str) -> tuple[io.BytesIO, str]:
    """Re-encode a photo from its pixels only: EXIF (GPS position, camera, time), XMP, ICC comments and thumbnails are
    gone. The picture is turned upright first, as the EXIF orientation said. HEIC becomes JPEG."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS
    upload.seek(0)
    try:
        with Image.open(upload) as image:
            image.load()
            upright = ImageOps.exif_transpose(image) or image
            out_type = JPEG if content_type == HEIF else content_type
            if out_type == JPEG and upright.mode not in ("RGB", "L"):
                upright = upright.convert("RGB")
            clean = Image.frombytes(upright.mode, upright.size, upright.tobytes())
            if upright.mode == "P" and upright.getpalette():
                clean.putpalette(upright.getpalette() or [])
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError, ValueError):
        raise Refused(_("This photo could not be read. It may be damaged; take or save it again.")) from None
    finally:
        upload.seek(0)
    output = io.BytesIO()
    if out_type == JPEG:
        clean.save(output, format="JPEG", quality=90, optimize=True)
    elif out_type == PNG:
        clean.save(output, format="PNG", optimize=True)
    else:
        clean.save(output, format="WEBP", quality=90)
    output.seek(0)
    return output, out_type


# --- Encryption in chunks ---------------------------------------------------------------------------------------


def chunk_aad(attachment_id: object, index: int, total: int) -> bytes:
    last = 1 if index == total - 1 else 0
    return f"{LABEL}|chunk|{attachment_id}|{index}|{total}|{last}".encode()


def chunk_count(size: int) -> int:
    return max(1, math.ceil(size / chunk_size()))


@dataclass
class Sealed:
    storage_name: str
    chunk_count: int
    size: int


def _read_exact(source: IO[bytes], n: int) -> bytes:
    parts = []
    while n > 0:
        data = source.read(n)
        if not data:
            break
        parts.append(data)
        n -= len(data)
    return b"".join(parts)


def encrypt_to_storage(data_key: bytes, attachment_id: object, source: IO[bytes], size: int) -> Sealed:
    """Encrypt ``size`` bytes of ``source`` chunk by chunk into a temporary file (ciphertext only), and hand that to
    the storage. Memory holds one chunk at a time."""
    import tempfile

    total = chunk_count(size)
    aead = AESGCM(data_key)
    source.seek(0)
    with tempfile.TemporaryFile() as sealed:
        sealed.write(MAGIC)
        written = 0
        for index in range(total):
            plain = _read_exact(source, chunk_size())
            written += len(plain)
            nonce = os.urandom(NONCE_BYTES)
            body = aead.encrypt(nonce, plain, chunk_aad(attachment_id, index, total))
            del plain
            sealed.write(_LENGTH.pack(NONCE_BYTES + len(body)))
            sealed.write(nonce)
            sealed.write(body)
            del body
        if written != size or source.read(1):
            raise Refused(_("The file changed while it was being saved. Attach it again."))
        sealed.seek(0)
        name = storage().save(new_storage_name(), File(sealed))
    return Sealed(storage_name=name, chunk_count=total, size=size)


def decrypt_chunks(data_key: bytes, attachment_id: object, storage_name: str, total: int) -> Iterator[bytes]:
    """The plaintext, one chunk at a time. Raises DecryptionFailed at the first chunk that does not belong here
    (tampered, reordered, from another attachment, missing, or followed by more)."""
    aead = AESGCM(data_key)
    with storage().open(storage_name, "rb") as sealed:
        if sealed.read(len(MAGIC)) != MAGIC:
            raise DecryptionFailed("attachment is not Jejaring ciphertext")
        for index in range(total):
            header = _read_exact(sealed, _LENGTH.size)
            if len(header) != _LENGTH.size:
                raise DecryptionFailed("attachment is cut short")
            (length,) = _LENGTH.unpack(header)
            if length <= NONCE_BYTES or length > chunk_size() + NONCE_BYTES + 16:
                raise DecryptionFailed("attachment chunk has a wrong length")
            body = _read_exact(sealed, length)
            if len(body) != length:
                raise DecryptionFailed("attachment is cut short")
            try:
                view = memoryview(body)  # no copy of the ciphertext
                plain = aead.decrypt(view[:NONCE_BYTES], view[NONCE_BYTES:], chunk_aad(attachment_id, index, total))
                del view, body
                yield plain
            except InvalidTag:
                raise DecryptionFailed("attachment chunk does not match its key, attachment or place") from None
        if sealed.read(1):
            raise DecryptionFailed("attachment has more chunks than recorded")


def safe_filename(name: str, content_type: str = "") -> str:
    """A file name for Content-Disposition: no path, no control characters, the extension of what it really is."""
    base = os.path.basename(name.replace("\\", "/")).strip()
    base = "".join(ch for ch in base if ch.isprintable() and ch not in '"<>|:*?') or "lampiran"
    if not content_type:
        return base[:150]
    stem, _dot, ext = base.rpartition(".")
    wanted = EXTENSIONS.get(content_type, "bin")
    if not stem or ext.lower() not in ({wanted, "jpeg"} if wanted == "jpg" else {wanted}):
        base = f"{base}.{wanted}"
    return base[:150]


def stored_bytes(name: str) -> bytes:
    """The raw stored object (ciphertext), for tests."""
    with storage().open(name, "rb") as handle:
        data: Any = handle.read()
    return bytes(data)
