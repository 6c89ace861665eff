"""The keyed hash chain of the access log: pure functions, shared by the writer, the verifier and the migration.

Each entry's hash is HMAC-SHA256, under JEJARING_LOG_KEY (kept outside the database), over its content, its chain,
its place in the chain and its predecessor's hash; an anchor's signature is HMAC-SHA256 over the heads of all chains
and the previous anchor's signature. Without the key nobody can forge an entry or an anchor that verifies.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

GENESIS = "0" * 64


@lru_cache(maxsize=4)
def _decode(encoded: str) -> bytes:
    try:
        key = base64.b64decode(encoded, validate=True)
    except ValueError:
        raise ImproperlyConfigured("JEJARING_LOG_KEY is not valid base64") from None
    if len(key) != 32:
        raise ImproperlyConfigured("JEJARING_LOG_KEY must be a base64 32-byte key")
    return key


def log_key() -> bytes:
    encoded = getattr(settings, "JEJARING_LOG_KEY", "")
    if not encoded:
        raise ImproperlyConfigured("no access-log key is configured (JEJARING_LOG_KEY)")
    return _decode(encoded)


def _mac(purpose: str, payload: dict[str, Any]) -> str:
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"))
    return hmac.new(log_key(), f"{purpose}|{canonical}".encode(), hashlib.sha256).hexdigest()


def entry_payload(entry: Any, prev_hash: str) -> dict[str, Any]:
    return {
        "chain": int(entry.chain),
        "seq": int(entry.seq),
        "prev": prev_hash,
        "at": entry.at.isoformat(),
        "event": entry.event,
        "actor": entry.actor_id,
        "organisation": entry.organisation_id,
        "object_type": entry.object_type,
        "object_id": str(entry.object_id) if entry.object_id else "",
        "object_ref": entry.object_ref,
        "detail": entry.detail,
        "ip": entry.ip_address or "",
    }


def entry_digest(entry: Any, prev_hash: str) -> str:
    return _mac("entry", entry_payload(entry, prev_hash))


def anchor_signature(at_iso: str, heads: dict[str, list[Any]], prev_signature: str) -> str:
    return _mac("anchor", {"at": at_iso, "heads": heads, "prev": prev_signature})


def same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


# --- Which chain: an organisation's, and its shard -----------------------------------------------------------

SHARD_BITS = 32  # a chain's id: its organisation's id in the low 32 bits, its shard above
MAX_CHAINS = 64  # JEJARING_LOG_CHAINS at most (config/settings.py): lock keys stay distinct below 2**20 organisations


def chain_of(organisation_id: int | None, shard: int = 0) -> int:
    """Each organisation's entries form ``JEJARING_LOG_CHAINS`` chains of their own (its shards), so that its
    writers at the same moment seldom wait for each other; entries of no organisation (failed sign-ins of unknown
    accounts, the system) are organisation 0's. Shard 0's id is the organisation's id, as before there were
    shards; shard k adds k × 2**32 (organisation ids stay below 2**32)."""
    organisation_id = organisation_id or 0
    if not 0 <= organisation_id < 1 << SHARD_BITS or not 0 <= shard < MAX_CHAINS:
        raise ValueError("an organisation id below 2**32 and a shard below MAX_CHAINS")
    return organisation_id + (shard << SHARD_BITS)


def organisation_of_chain(chain: int) -> int:
    """The organisation whose entries a chain holds (0: none)."""
    return chain & ((1 << SHARD_BITS) - 1)


def lock_key(chain: int) -> int:
    """The chain's lock, a 32-bit key as PostgreSQL's two-key advisory locks take: shard 0's is its organisation's
    id (the key before there were shards, so that old and new writers of that chain share it), shard k's adds
    k × 2**20. Two chains that met on one key would only wait for each other; a chain never has two keys."""
    return (organisation_of_chain(chain) + ((chain >> SHARD_BITS) << 20)) % 2**31
