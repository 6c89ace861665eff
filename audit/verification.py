"""Verifying the access log end to end: every chain from its first entry, and the signed anchors, in the database
and kept outside it (audit.access_log writes both)."""

from __future__ import annotations

from typing import Any

from accounts.models import User
from audit import chain as keyed
from audit.access_log import GENESIS, anchor_write, entry_digest, outside_anchors
from audit.models import AccessLog, AccessLogAnchor, AccessLogVerification


class _Broken(Exception):
    def __init__(self, entry_id: int | None, problem: str) -> None:
        super().__init__(problem)
        self.entry_id, self.problem = entry_id, problem


def _walk(chunk: int) -> tuple[int, dict[int, tuple[int, str]]]:
    """Every chain from its first entry: seqs without gaps, ids rising with them, each hash keyed and linked.
    Returns the entries verified and each chain's head."""
    heads: dict[int, tuple[int, str]] = {}
    count, current, prev_hash, expected, last_id = 0, None, GENESIS, 1, 0
    for entry in AccessLog.objects.order_by("chain", "seq").iterator(chunk_size=chunk):
        if entry.chain != current:
            current, prev_hash, expected, last_id = entry.chain, GENESIS, 1, 0
        if entry.seq != expected:
            raise _Broken(entry.pk, f"chain {entry.chain}: entries {expected} to {entry.seq - 1} are missing")
        if entry.pk <= last_id:
            raise _Broken(entry.pk, f"chain {entry.chain}: entry {entry.pk} is out of order")
        if not keyed.same(entry.prev_hash, prev_hash) or not keyed.same(entry_digest(entry, prev_hash), entry.hash):
            raise _Broken(entry.pk, f"chain {entry.chain}: entry {entry.pk} was changed, inserted or forged")
        prev_hash, expected, last_id = entry.hash, expected + 1, entry.pk
        heads[entry.chain] = (entry.seq, entry.hash)
        count += 1
    return count, heads


def _check_heads(anchor_id: Any, anchored: dict[str, list[Any]], heads: dict[int, tuple[int, str]]) -> None:
    """Every chain head an anchor saw must still be there, unchanged: a truncated or rewritten tail fails here."""
    for chain_text, (seq, digest) in sorted(anchored.items()):
        chain = int(chain_text)
        if chain not in heads or heads[chain][0] < seq:
            raise _Broken(None, f"chain {chain}: entries up to {seq}, seen by anchor {anchor_id}, are gone")
        held = AccessLog.objects.filter(chain=chain, seq=seq).values_list("pk", "hash").first()
        if held is None or not keyed.same(held[1], digest):
            raise _Broken(held[0] if held else None, f"chain {chain}: entry {seq} differs from anchor {anchor_id}")


def _check_anchors(heads: dict[int, tuple[int, str]], outside: list[dict[str, Any]]) -> None:
    anchors = list(AccessLogAnchor.objects.order_by("id"))
    previous = ""
    for anchor in anchors:
        signature = keyed.anchor_signature(anchor.at.isoformat(), anchor.heads, anchor.prev_signature)
        if not keyed.same(anchor.prev_signature, previous) or not keyed.same(signature, anchor.signature):
            raise _Broken(None, f"anchor {anchor.pk} was changed, removed from the sequence or forged")
        previous = anchor.signature
    if anchors:
        _check_heads(anchors[-1].pk, anchors[-1].heads, heads)
    held = {anchor.pk: anchor.signature for anchor in anchors}
    for kept in outside:
        if not keyed.same(keyed.anchor_signature(kept["at"], kept["heads"], kept["prev"]), kept["sig"]):
            raise _Broken(None, f"the anchor {kept['anchor']} kept outside the database is not signed by the log key")
        if kept["anchor"] not in held or not keyed.same(held[kept["anchor"]], kept["sig"]):
            raise _Broken(None, f"anchor {kept['anchor']}, kept outside the database, is missing from it")
    if outside:
        newest = max(outside, key=lambda kept: kept["anchor"])
        _check_heads(newest["anchor"], newest["heads"], heads)


def verify_chain(
    *, actor: User | None = None, chunk: int = 5000, outside_lines: list[str] | None = None
) -> AccessLogVerification:
    """Walk every chain and check the anchors, in the database and kept outside it (the anchor file and any lines
    from the shipped application log); record and return the result. An intact log gets a new anchor.

    Found: a deleted, edited, reordered, inserted or forged entry (gaps, order and keyed hashes), a truncated or
    rewritten tail (the newest anchors' heads), anchors changed or forged without the key (their signatures and
    their own chain), and anchors deleted from the database (those kept outside)."""
    try:
        count, heads = _walk(chunk)
        _check_anchors(heads, outside_anchors(outside_lines))
    except _Broken as broken:
        return AccessLogVerification.objects.create(
            run_by=actor,
            entries_verified=0,
            first_broken_id=broken.entry_id if broken.entry_id is not None else 0,
            problem=broken.problem[:200],
        )
    anchor = anchor_write()
    last_id = AccessLog.objects.order_by("-id").values_list("id", flat=True).first()
    return AccessLogVerification.objects.create(
        run_by=actor, entries_verified=count, last_entry_id=last_id, last_hash=anchor.signature
    )
