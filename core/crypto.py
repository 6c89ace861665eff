"""The master-key keyring and the AES-256-GCM primitives, on the ground floor so that every app may seal with them.

Master keys come from settings (JEJARING_MASTER_KEYS, environment or secret file), never from the database; the first
is current, the others only open, until ``manage.py rotate_master_key`` has re-sealed everything. casework builds the
per-case envelope encryption on these (casework.crypto); accounts seals second-factor secrets with them.
Failures are loud: a missing or wrong key or a tampered value raise ``CryptoError``.
"""

from __future__ import annotations

import base64
import hashlib
import os
from dataclasses import dataclass
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

NONCE_BYTES = 12
KEY_BYTES = 32


class CryptoError(Exception):
    """Something about keys or ciphertext is wrong; the data stays closed."""


class KeyUnavailable(CryptoError):
    pass


class KeyDestroyed(CryptoError):
    pass


class DecryptionFailed(CryptoError):
    pass


@dataclass(frozen=True)
class MasterKey:
    id: str
    key: bytes


def decode_key(text: str, what: str) -> bytes:
    try:
        key = base64.b64decode(text, validate=True)
    except ValueError:
        raise KeyUnavailable(f"{what} is not valid base64") from None
    if len(key) != KEY_BYTES:
        raise KeyUnavailable(f"{what} must be {KEY_BYTES} bytes, not {len(key)}")
    return key


@lru_cache(maxsize=8)
def _keyring(encoded: tuple[str, ...]) -> tuple[MasterKey, ...]:
    if not encoded:
        raise KeyUnavailable("no master key is configured (JEJARING_MASTER_KEYS)")
    keys = []
    for position, text in enumerate(encoded):
        key = decode_key(text, f"master key #{position + 1}")
        keys.append(MasterKey(id=hashlib.sha256(b"jejaring-master-key-id:" + key).hexdigest()[:12], key=key))
    return tuple(keys)


def keyring() -> tuple[MasterKey, ...]:
    """The configured master keys, the current one first."""
    return _keyring(tuple(settings.JEJARING_MASTER_KEYS))


def current_master_key_id() -> str:
    return keyring()[0].id


def seal_with(key: bytes, plaintext: bytes, aad: bytes) -> str:
    nonce = os.urandom(NONCE_BYTES)
    return base64.b64encode(nonce + AESGCM(key).encrypt(nonce, plaintext, aad)).decode()


def open_with(key: bytes, token: str, aad: bytes) -> bytes:
    try:
        raw = base64.b64decode(token, validate=True)
    except ValueError:
        raise DecryptionFailed("ciphertext is not valid base64") from None
    if len(raw) <= NONCE_BYTES:
        raise DecryptionFailed("ciphertext is too short")
    try:
        return AESGCM(key).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], aad)
    except InvalidTag:
        raise DecryptionFailed("ciphertext does not match its key, row or field") from None


def seal(plaintext: bytes, aad: bytes) -> str:
    """Seal a small secret under the current master key: "<master key id>:<nonce+ciphertext, base64>"."""
    master = keyring()[0]
    return f"{master.id}:{seal_with(master.key, plaintext, aad)}"


def open_sealed(sealed: str, aad: bytes) -> bytes:
    key_id, _sep, token = sealed.partition(":")
    for master in keyring():
        if master.id == key_id:
            return open_with(master.key, token, aad)
    raise KeyUnavailable(f"master key {key_id} is not configured; it is needed to open this secret")


def master_key_id_of(sealed: str) -> str:
    return sealed.partition(":")[0]
