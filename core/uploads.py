"""Uploads too large for memory never touch the disk in plain text.

Django spools an upload above FILE_UPLOAD_MAX_MEMORY_SIZE to a temporary file while the request is read; for a scan of
a passport that would leave the document unencrypted in the temporary folder for the length of the request (and
after a crash). ``SealedUploadHandler`` (settings.FILE_UPLOAD_HANDLERS, after Django's in-memory handler) writes the
incoming bytes instead to a temporary file encrypted with AES-256-GCM under a key made for that one file and held
only in memory, and hands the view a ``SealedUploadedFile`` whose ``read()``, ``seek()`` and ``chunks()`` decrypt on
the fly, one chunk at a time: the content check, the metadata scrub and the chunked encryption under the case's key
read it like any file, and memory holds a chunk or two whatever the file's size.

Temporary file format: chunk after chunk, each ``12-byte nonce | ciphertext and tag`` of ``CHUNK`` plaintext bytes
(the last one 0 to ``CHUNK``). Each chunk's associated data names its index and whether it is the last, so chunks
reordered, dropped, repeated or cut short do not decrypt. The file is deleted when it is closed, which Django does
when the request ends (``HttpRequest.close``); if the process dies, what is left on disk is ciphertext under a key
that died with it.

Past ``settings.JEJARING_UPLOAD_MAX_BYTES`` nothing more is written (what was is dropped); the file still reports its
true size, so the form refuses it with the size message and the disk never holds more than the limit.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from typing import IO, Any, cast

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler

from core.crypto import NONCE_BYTES, DecryptionFailed

CHUNK = 64 * 1024
TAG_BYTES = 16
SEALED_CHUNK = NONCE_BYTES + CHUNK + TAG_BYTES


def _aad(index: int, last: bool) -> bytes:
    return f"core.upload|{index}|{1 if last else 0}".encode()


class SealedSpool:
    """A temporary file written once, in order, then read (and sought) as plaintext. Write with ``write``, end with
    ``finish``; from then on it reads like a binary file."""

    def __init__(self) -> None:
        self._aead = AESGCM(AESGCM.generate_key(bit_length=256))
        self._file: IO[bytes] = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed with the spool
            prefix="jejaring-upload-", suffix=".sealed", dir=settings.FILE_UPLOAD_TEMP_DIR
        )
        self._pending = bytearray()
        self._chunks = 0
        self.size = 0
        self.finished = False
        self._position = 0
        self._cached: tuple[int, bytes] | None = None

    @property
    def path(self) -> str:
        """Where the ciphertext lies while the request lasts (for tests and operators; never moved elsewhere)."""
        return str(self._file.name)

    # --- writing ---------------------------------------------------------------------------------------------

    def _seal(self, plain: bytes | bytearray | memoryview, last: bool) -> None:
        nonce = os.urandom(NONCE_BYTES)
        self._file.write(nonce)
        self._file.write(self._aead.encrypt(nonce, bytes(plain), _aad(self._chunks, last)))
        self._chunks += 1

    def write(self, data: bytes) -> int:
        if self.finished:
            raise ValueError("the spool is finished")
        self._pending += data
        self.size += len(data)
        # A full chunk is written only when at least one more byte follows it: then it is certainly not the last.
        while len(self._pending) > CHUNK:
            self._seal(memoryview(self._pending)[:CHUNK], last=False)
            del self._pending[:CHUNK]
        return len(data)

    def discard(self) -> None:
        """Drop everything written (the upload is refused); the spool is then an empty, finished file."""
        self._file.seek(0)
        self._file.truncate()
        self._pending.clear()
        self._chunks = 0
        self.size = 0

    def finish(self) -> None:
        if not self.finished:
            self._seal(self._pending, last=True)
            self._pending.clear()
            self._file.flush()
            self.finished = True
            self._position = 0

    # --- reading ---------------------------------------------------------------------------------------------

    def _chunk(self, index: int) -> bytes:
        if self._cached is not None and self._cached[0] == index:
            return self._cached[1]
        self._file.seek(index * SEALED_CHUNK)
        sealed = self._file.read(SEALED_CHUNK)
        if len(sealed) <= NONCE_BYTES:
            raise DecryptionFailed("the temporary upload is cut short")
        view = memoryview(sealed)
        try:
            plain = self._aead.decrypt(view[:NONCE_BYTES], view[NONCE_BYTES:], _aad(index, index == self._chunks - 1))
        except InvalidTag:
            raise DecryptionFailed("the temporary upload was changed on disk") from None
        self._cached = (index, plain)
        return plain

    def read(self, size: int | None = -1) -> bytes:
        if not self.finished:
            raise ValueError("the spool is still being written")
        end = self.size if size is None or size < 0 else min(self.size, self._position + size)
        parts = []
        while self._position < end:
            index, offset = divmod(self._position, CHUNK)
            plain = self._chunk(index)
            piece = plain[offset : offset + (end - self._position)]
            if not piece:
                raise DecryptionFailed("the temporary upload is cut short")
            parts.append(piece)
            self._position += len(piece)
        return b"".join(parts)

    def readinto(self, buffer: Any) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        base = {os.SEEK_SET: 0, os.SEEK_CUR: self._position, os.SEEK_END: self.size}[whence]
        if base + offset < 0:
            raise ValueError("negative seek position")
        self._position = base + offset
        return self._position

    def tell(self) -> int:
        return self._position

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def writable(self) -> bool:
        return not self.finished

    def flush(self) -> None:
        return None

    @property
    def closed(self) -> bool:
        return self._file.closed

    def close(self) -> None:
        self._cached = None
        self._pending.clear()
        with contextlib.suppress(FileNotFoundError):
            self._file.close()  # a NamedTemporaryFile: closing deletes it

    def __enter__(self) -> SealedSpool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class SealedUploadedFile(UploadedFile):
    """An uploaded file whose bytes wait on disk encrypted (see the module's docstring). It has no
    ``temporary_file_path()`` on purpose: a storage would move the ciphertext into place instead of reading it."""

    def __init__(self, spool: SealedSpool, name: str, content_type: str, size: int, charset: str | None, extra: Any):
        super().__init__(cast(IO[bytes], spool), name, content_type, size, charset, extra)
        self.spool = spool

    def close(self) -> None:
        self.spool.close()


class SealedUploadHandler(FileUploadHandler):
    """Streams each file of a request into a ``SealedSpool`` (Django's in-memory handler takes the small ones)."""

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.spool = SealedSpool()
        self.over = False

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        if self.over:
            return None
        if self.spool.size + len(raw_data) > int(settings.JEJARING_UPLOAD_MAX_BYTES):
            self.over = True
            self.spool.discard()  # what was written is of no use: the file is refused
            return None
        self.spool.write(raw_data)
        return None

    def file_complete(self, file_size: int) -> UploadedFile:
        self.spool.finish()
        return SealedUploadedFile(
            self.spool, self.file_name or "", self.content_type or "", file_size, self.charset, self.content_type_extra
        )

    def upload_interrupted(self) -> None:
        spool = getattr(self, "spool", None)
        if spool is not None:
            spool.close()
