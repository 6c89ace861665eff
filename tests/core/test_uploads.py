"""core.uploads: a large upload waits on disk encrypted under a key held only in memory, reads back byte for byte
(with seeks, as zipfile and Pillow use them), fails loudly when its chunks are changed, and is gone once closed."""

from __future__ import annotations

import io
import os
import zipfile

import pytest

from core import uploads
from core.crypto import DecryptionFailed
from core.uploads import CHUNK, SEALED_CHUNK, SealedSpool, SealedUploadHandler

MARKER = b"PENANDA-PASPOR-7731 "


def _spool(data: bytes, piece: int = 65536) -> SealedSpool:
    spool = SealedSpool()
    for start in range(0, len(data), piece):
        spool.write(data[start : start + piece])
    spool.finish()
    return spool


def _raw(spool: SealedSpool) -> bytes:
    with open(spool.path, "rb") as handle:
        return handle.read()


@pytest.mark.parametrize("size", [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK, 3 * CHUNK + 17])
def test_round_trip_at_every_chunk_boundary(size):
    data = (MARKER * (size // len(MARKER) + 1))[:size]
    with _spool(data, piece=7000) as spool:
        assert spool.read() == data
        raw = _raw(spool)
        assert MARKER not in raw
        chunks = max(1, -(-size // CHUNK))
        assert len(raw) == (chunks - 1) * SEALED_CHUNK + (SEALED_CHUNK - CHUNK) + (size - (chunks - 1) * CHUNK)


def test_seek_tell_and_partial_reads_cross_chunks():
    data = os.urandom(3 * CHUNK + 100)
    with _spool(data) as spool:
        spool.seek(CHUNK - 10)
        assert spool.read(20) == data[CHUNK - 10 : CHUNK + 10]
        assert spool.tell() == CHUNK + 10
        spool.seek(-5, os.SEEK_END)
        assert spool.read() == data[-5:]
        assert spool.read(10) == b""
        spool.seek(2, os.SEEK_SET)
        spool.seek(3, os.SEEK_CUR)
        assert spool.read(4) == data[5:9]
        buffer = bytearray(8)
        assert spool.readinto(buffer) == 8 and bytes(buffer) == data[9:17]


def test_a_zip_inside_reads_through_the_spool():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", os.urandom(200_000))
        archive.writestr("[Content_Types].xml", b"<Types/>")
    with _spool(out.getvalue()) as spool, zipfile.ZipFile(spool) as archive:  # type: ignore[arg-type]
        assert sorted(archive.namelist()) == ["[Content_Types].xml", "word/document.xml"]


def _tamper(spool: SealedSpool, transform) -> None:
    raw = _raw(spool)
    parts = [raw[i : i + SEALED_CHUNK] for i in range(0, len(raw), SEALED_CHUNK)]
    with open(spool.path, "wb") as handle:
        handle.write(b"".join(transform(parts)))


@pytest.mark.parametrize(
    "transform",
    [
        lambda p: [p[1], p[0], *p[2:]],  # reordered
        lambda p: p[:-1],  # the last chunk dropped: the one before is not marked last
        lambda p: [*p[:-1], p[-1][:-3]],  # cut short
        lambda p: [p[0], bytes([p[1][0] ^ 1]) + p[1][1:], *p[2:]],  # a flipped bit
    ],
    ids=["reordered", "truncated", "cut-short", "tampered"],
)
def test_changed_chunks_do_not_decrypt(transform):
    data = os.urandom(3 * CHUNK + 5)
    with _spool(data) as spool:
        _tamper(spool, transform)
        spool._cached = None
        with pytest.raises(DecryptionFailed):
            spool.seek(0)
            spool.read()


def test_each_spool_has_its_own_key():
    data = MARKER * 10_000
    with _spool(data) as first, _spool(data) as second:
        assert _raw(first)[:64] != _raw(second)[:64]
        with open(second.path, "wb") as handle:
            handle.write(_raw(first))
        second._cached = None
        with pytest.raises(DecryptionFailed):
            second.read()


def test_closing_deletes_the_file():
    spool = _spool(MARKER * 100)
    path = spool.path
    assert os.path.exists(path)
    spool.close()
    assert not os.path.exists(path) and spool.closed


def test_the_handler_hands_over_a_sealed_file_that_reads_and_chunks(settings):
    settings.JEJARING_UPLOAD_MAX_BYTES = 10 * 1024 * 1024
    data = b"%PDF-1.4\n" + MARKER * 200_000
    handler = SealedUploadHandler()
    handler.new_file("uploads", "paspor.pdf", "application/pdf", len(data))
    for start in range(0, len(data), handler.chunk_size):
        assert handler.receive_data_chunk(data[start : start + handler.chunk_size], start) is None
    uploaded = handler.file_complete(len(data))
    assert isinstance(uploaded, uploads.SealedUploadedFile)
    assert not hasattr(uploaded, "temporary_file_path")  # a storage must read it, not move the ciphertext
    assert uploaded.size == len(data) and uploaded.name == "paspor.pdf"
    assert MARKER not in _raw(uploaded.file)
    assert b"".join(uploaded.chunks(chunk_size=300_000)) == data
    uploaded.seek(0)
    assert uploaded.read(9) == b"%PDF-1.4\n"
    path = uploaded.file.path
    uploaded.close()
    assert not os.path.exists(path)


def test_past_the_limit_nothing_more_is_written_and_the_true_size_is_kept(settings):
    settings.JEJARING_UPLOAD_MAX_BYTES = 1024 * 1024
    handler = SealedUploadHandler()
    handler.new_file("uploads", "besar.pdf", "application/pdf", 5 * 1024 * 1024)
    for start in range(0, 5 * 1024 * 1024, 64 * 1024):
        handler.receive_data_chunk(b"x" * (64 * 1024), start)
    uploaded = handler.file_complete(5 * 1024 * 1024)
    assert uploaded.size == 5 * 1024 * 1024
    assert os.path.getsize(uploaded.file.path) <= SEALED_CHUNK - CHUNK  # an empty last chunk at most
    uploaded.close()


def test_an_interrupted_upload_leaves_nothing():
    handler = SealedUploadHandler()
    handler.new_file("uploads", "putus.pdf", "application/pdf", None)
    handler.receive_data_chunk(MARKER * 10_000, 0)
    path = handler.spool.path
    handler.upload_interrupted()
    assert not os.path.exists(path)
