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

import math
import os
import secrets
import struct
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
from core import filetypes
from core.filetypes import Refused

MAGIC = b"JJA1"
_LENGTH = struct.Struct(">I")
LABEL = "casework.attachment"


def storage() -> Storage:
    return storages["attachments"]


def chunk_size() -> int:
    return int(settings.JEJARING_ATTACHMENT_CHUNK_BYTES)


def max_bytes() -> int:
    return int(settings.JEJARING_ATTACHMENT_MAX_MB) * 1024 * 1024


def new_storage_name() -> str:
    token = secrets.token_hex(16)
    return f"{token[:2]}/{token}"


# --- What a file is (core.filetypes: by content; programs, macros and zip bombs refused) ----------------------

ALLOWED = (filetypes.PDF, filetypes.JPEG, filetypes.PNG, filetypes.WEBP, filetypes.HEIC, filetypes.DOCX, filetypes.ODT)
EXTENSIONS = {kind.content_type: kind.extension for kind in ALLOWED}


def detect(upload: IO[bytes]) -> filetypes.Kind:
    """What an uploaded file is, from its content, if a case may hold it; Refused (with the reason) otherwise.
    Leaves the file at its start."""
    return filetypes.sniff(
        upload,
        allowed=ALLOWED,
        not_accepted=_("Attach a PDF, a JPEG, PNG, WEBP or HEIC photo, or a DOCX or ODT document."),
    )


def scrub_image(upload: IO[bytes], kind: filetypes.Kind) -> tuple[IO[bytes], filetypes.Kind]:
    """A photo re-encoded from its pixels only (EXIF with GPS and camera, XMP, comments, thumbnails gone; HEIC becomes
    JPEG): core.filetypes.strip_metadata."""
    return filetypes.strip_metadata(upload, kind)


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
