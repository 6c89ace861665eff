"""Envelope encryption and blind indexes for victims' data.

- Each case has its own random 256-bit data key, stored only wrapped (AES-256-GCM) by a master key. Master keys come
  from settings (environment or secret file), never from the database. The first master key is current; the others
  only unwrap, until ``manage.py rotate_master_key`` has re-wrapped everything.
- Every sensitive value is AES-256-GCM encrypted under its case's data key, with associated data naming the model,
  the field and the row id: a ciphertext copied into another row or field does not decrypt.
- Failures are loud: a missing or wrong key, a tampered value or a destroyed key raise ``CryptoError``; ciphertext is
  never returned as if it were text.
- Blind indexes are HMAC-SHA256 digests of normalised values under a separate index key, for lookups without
  decrypting. Names get truncated digests, so that one digest matches many names and reveals little.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

# The keyring and the AES-GCM primitives live on the ground floor (core.crypto), so that accounts can seal second
# factors too; their names stay importable from here.
from core.crypto import (  # noqa: F401
    KEY_BYTES,
    NONCE_BYTES,
    CryptoError,
    DecryptionFailed,
    KeyDestroyed,
    KeyUnavailable,
    MasterKey,
    current_master_key_id,
    decode_key,
    keyring,
    master_key_id_of,
    open_with,
    seal_with,
)

# The names casework used before the keyring moved down.
_decode_key, _seal, _open = decode_key, seal_with, open_with

VERSION = "v1"
NAME_DIGEST_CHARS = 4  # 16 bits: each name digest is shared by many names


def new_data_key() -> bytes:
    return AESGCM.generate_key(bit_length=256)


def wrap_data_key(data_key: bytes, owner: str) -> str:
    """Wrap a case's data key under the current master key, bound to the case's id."""
    master = keyring()[0]
    return f"{master.id}:{_seal(master.key, data_key, f'data-key:{owner}'.encode())}"


def unwrap_data_key(wrapped: str, owner: str) -> bytes:
    if not wrapped:
        raise KeyDestroyed("this case's data key has been destroyed")
    key_id, _sep, token = wrapped.partition(":")
    for master in keyring():
        if master.id == key_id:
            return _open(master.key, token, f"data-key:{owner}".encode())
    raise KeyUnavailable(f"master key {key_id} is not configured; it is needed to open this case")


def associated_data(model_label: str, field: str, row_id: object) -> bytes:
    return f"{model_label}|{field}|{row_id}".encode()


def encrypt(data_key: bytes, plaintext: str, aad: bytes) -> str:
    if plaintext.startswith(VERSION + ":"):
        # Never encrypt what looks like ciphertext: a double encryption would hide a bug that leaks it later.
        raise CryptoError("refusing to encrypt a value that is already ciphertext")
    return f"{VERSION}:{_seal(data_key, plaintext.encode('utf-8'), aad)}"


def decrypt(data_key: bytes, ciphertext: str, aad: bytes) -> str:
    version, _sep, token = ciphertext.partition(":")
    if version != VERSION or not token:
        raise DecryptionFailed("value is not Jejaring ciphertext")
    return _open(data_key, token, aad).decode("utf-8")


# --- Blind indexes ---------------------------------------------------------------------------------------------


@lru_cache(maxsize=4)
def _index_key(encoded: str) -> bytes:
    if not encoded:
        raise KeyUnavailable("no blind-index key is configured (JEJARING_INDEX_KEY)")
    return _decode_key(encoded, "JEJARING_INDEX_KEY")


def normalise_nik(value: str) -> str:
    return re.sub(r"\D", "", value or "")


def normalise_passport(value: str) -> str:
    return re.sub(r"[^0-9A-Z]", "", (value or "").upper())


def normalise_phone(value: str) -> str:
    """Indonesian numbers in one form: 0812…, +62 812…, 62812… and 812… all become 62812…."""
    digits = re.sub(r"\D", "", value or "")
    if value.strip().startswith("+"):
        return digits
    if digits.startswith("0"):
        return "62" + digits[1:]
    if digits.startswith("8") and 9 <= len(digits) <= 12:
        return "62" + digits
    return digits


def name_tokens(value: str) -> set[str]:
    """Lower-case words without accents, two letters or more: "Siti  Nur'aini" → {"siti", "nuraini"}."""
    text = unicodedata.normalize("NFKD", value or "")
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower().replace("'", "").replace("’", "")
    return {token for token in re.split(r"[^0-9a-z]+", text) if len(token) >= 2}


def blind_index(kind: str, normalised: str) -> str:
    digest = hmac.new(
        _index_key(settings.JEJARING_INDEX_KEY), f"{kind}:{normalised}".encode(), hashlib.sha256
    ).hexdigest()
    return digest[:NAME_DIGEST_CHARS] if kind == "name" else digest


def digests(*, nik: str = "", passport: str = "", phones: Iterable[str] = (), names: str = "") -> set[tuple[str, str]]:
    """The blind-index digests of identifiers, as (kind, digest) pairs: the one place they are built, for indexing a
    case, searching and the duplicate check alike. Kinds are those of ``casework.models.BlindIndex.Kind``."""
    found: set[tuple[str, str]] = set()
    if nik and normalise_nik(nik):
        found.add(("nik", blind_index("nik", normalise_nik(nik))))
    if passport and normalise_passport(passport):
        found.add(("passport", blind_index("passport", normalise_passport(passport))))
    for phone in phones:
        if normalise_phone(phone):
            found.add(("phone", blind_index("phone", normalise_phone(phone))))
    for token in name_tokens(names):
        found.add(("name", blind_index("name", token)))
    return found
