"""The one way to write the access log.

Entries carry only codes and references: who (a user id), which object (type, id and its non-identifying reference),
what (an event code and a short non-personal detail such as a field name), when and from which address.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from typing import Any

from django.db import connection, transaction
from django.http import HttpRequest

from accounts.models import User
from audit.models import AccessLog, AccessLogVerification
from core.ip import client_ip as _client_ip

GENESIS = "0" * 64
# A fixed key for PostgreSQL's transaction-level advisory lock that serialises writers of the chain.
_CHAIN_LOCK = 0x4A454A41


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address behind the configured proxies (core.ip), as lockouts see it."""
    return _client_ip(request)


def url_name(request: HttpRequest | None) -> str:
    """The name of the URL a request reached ("casework:case_identity"): what a refusal's detail says, never an id."""
    match = getattr(request, "resolver_match", None)
    return match.view_name if match is not None and match.view_name else ""


def refusal_detail(reason: str, request: HttpRequest | None) -> str:
    """ "<reason> <url name>", e.g. "role casework:case_identity": the layer that refused and where, nothing else."""
    return f"{reason} {url_name(request)}".strip()


def record_refusal(
    reason: str, *, actor: User | None, request: HttpRequest | None = None, obj: Any = None
) -> AccessLog:
    """One ``access_denied`` entry for a refusal by any layer (role, gate, referral side)."""
    detail = refusal_detail(reason, request)
    if request is not None:
        request.jj_refusal_logged = True  # type: ignore[attr-defined]
    if obj is not None:
        return record_for(AccessLog.Event.ACCESS_DENIED, actor=actor, obj=obj, request=request, detail=detail)
    return record(AccessLog.Event.ACCESS_DENIED, actor=actor, request=request, detail=detail)


def entry_digest(entry: AccessLog, prev_hash: str) -> str:
    """The hash of one entry, chained to the previous entry's hash."""
    payload = {
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
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def record(
    event: str,
    *,
    actor: User | None,
    request: HttpRequest | None = None,
    object_type: str = "",
    object_id: uuid.UUID | None = None,
    object_ref: str = "",
    detail: str = "",
) -> AccessLog:
    """Append one entry to the access log, chained to the previous one.

    Writers are serialised (an advisory lock on PostgreSQL, SQLite's single writer elsewhere) so that concurrent
    requests never fork the chain.
    """
    organisation = actor.organisation if actor is not None and actor.is_authenticated else None
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK])
        last = AccessLog.objects.order_by("-id").values_list("hash", flat=True).first()
        prev_hash = last or GENESIS
        entry = AccessLog(
            event=event,
            actor=actor if actor is not None and actor.is_authenticated else None,
            organisation=organisation,
            object_type=object_type,
            object_id=object_id,
            object_ref=object_ref,
            detail=detail[:200],
            ip_address=client_ip(request),
            prev_hash=prev_hash,
        )
        entry.hash = entry_digest(entry, prev_hash)
        entry.save(force_insert=True)
    return entry


def record_for(
    event: str, *, actor: User | None, obj: Any, request: HttpRequest | None = None, detail: str = ""
) -> AccessLog:
    """Record an event about a domain object that has a UUID ``pk`` and a non-identifying ``reference``."""
    return record(
        event,
        actor=actor,
        request=request,
        object_type=obj._meta.model_name,
        object_id=obj.pk,
        object_ref=getattr(obj, "reference", ""),
        detail=detail,
    )


def verify_chain(*, actor: User | None = None, chunk: int = 5000) -> AccessLogVerification:
    """Walk the chain from the first entry; record and return the result. Broken when an entry's hash or its link to
    the previous one does not match, or when the last entry verified by the previous run is gone or changed."""
    anchor = AccessLogVerification.objects.exclude(last_entry_id=None).filter(first_broken_id=None).first()
    prev_hash, count, broken, last_id = GENESIS, 0, None, None
    for entry in AccessLog.objects.order_by("id").iterator(chunk_size=chunk):
        if entry.prev_hash != prev_hash or entry_digest(entry, entry.prev_hash) != entry.hash:
            broken = entry.pk
            break
        prev_hash, last_id = entry.hash, entry.pk
        count += 1
    if broken is None and anchor is not None and anchor.last_entry_id is not None:
        still = AccessLog.objects.filter(pk=anchor.last_entry_id).values_list("hash", flat=True).first()
        if still != anchor.last_hash:
            broken = anchor.last_entry_id
    return AccessLogVerification.objects.create(
        run_by=actor,
        entries_verified=count,
        first_broken_id=broken,
        last_entry_id=last_id if broken is None else None,
        last_hash=prev_hash if broken is None else "",
    )
