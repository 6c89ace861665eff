"""The one way to write the access log.

Entries carry only codes and references: who (a user id), which object (type, id and its non-identifying reference),
what (an event code and a short non-personal detail such as a field name), when and from which address.
"""

from __future__ import annotations

import json
import logging
import uuid
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import psycopg
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max
from django.http import HttpRequest
from django.utils import timezone

from accounts.models import User
from audit import chain as keyed
from audit.chain import chain_of
from audit.models import AccessLog, AccessLogAnchor
from core.ip import client_ip as _client_ip

# PostgreSQL advisory locks, two keys: this namespace and the chain id (-1 for the anchors). Writers of one
# organisation's chain wait for each other; writers of different organisations never do (no network-wide lock).
_CHAIN_LOCK = 0x4A454A41
GENESIS = keyed.GENESIS
anchor_logger = logging.getLogger("jejaring.audit.anchor")


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
    """The keyed hash of one entry, chained to the previous entry of its chain (audit.chain)."""
    return keyed.entry_digest(entry, prev_hash)


def _shard() -> int:
    """Which of its organisation's chains an entry joins: the database session's own (its backend's process id,
    modulo ``JEJARING_LOG_CHAINS``), so that concurrent writers, each on its own session, spread over the chains and
    one writer's entries in a transaction stay on one. SQLite has a single writer: one chain."""
    chains = int(settings.JEJARING_LOG_CHAINS)
    if chains <= 1 or connection.vendor != "postgresql":
        return 0
    connection.ensure_connection()
    return int(connection.connection.info.backend_pid) % chains


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
    """Append one entry to the access log, chained to the previous entry of its organisation's chain.

    Writers of one chain are serialised (an advisory lock on the chain id on PostgreSQL, held until the transaction
    ends; SQLite's single writer elsewhere), so a chain never forks; writers of one organisation at the same moment
    mostly write different chains (``_shard``), so that a busy organisation's pages do not queue for one lock. The
    unique (chain, seq) would refuse a fork anyway. Outside a transaction the entry is its own (BEGIN, lock, read,
    insert, COMMIT); inside the caller's it joins it without a savepoint of its own (the lock makes the insert safe).

    Not lock-free: a writer that read the chain's end and inserted after it, retrying when another took the place
    first, needed two statements instead of five, but writers of one chain in step (a busy organisation) lost up to
    nine races running in the concurrent test, so that some would have failed. The lock guarantees each its turn.
    """
    entry = _entry(event, actor, request, object_type, object_id, object_ref, detail)
    if connection.vendor == "postgresql" and connection.get_autocommit() and not connection.in_atomic_block:
        _append_alone(entry)
    else:
        with transaction.atomic(savepoint=False):
            _append(entry)
    entry._state.adding = False
    return entry


def placed(
    event: str,
    *,
    actor: User | None,
    request: HttpRequest | None = None,
    object_type: str = "",
    object_id: uuid.UUID | None = None,
    object_ref: str = "",
    detail: str = "",
) -> AccessLog:
    """An entry as ``record`` would append it, placed at the end of its chain (its turn taken until the transaction
    ends, its seq, time and hashes set) but not inserted: for a service that writes it with its own rows, in one
    statement (core.rows.insert), inside the transaction it was placed in. Only inside a transaction (the turn would
    end at once otherwise); an entry placed and never inserted is simply not there (its place is taken by the next)."""
    if not connection.in_atomic_block:
        raise transaction.TransactionManagementError("an access-log entry is placed only inside a transaction")
    entry = _entry(event, actor, request, object_type, object_id, object_ref, detail)
    statements = _statements()
    with connection.cursor() as cursor:
        _take_turn(cursor, entry, statements)
    return entry


def _entry(
    event: str,
    actor: User | None,
    request: HttpRequest | None,
    object_type: str,
    object_id: uuid.UUID | None,
    object_ref: str,
    detail: str,
) -> AccessLog:
    organisation = actor.organisation if actor is not None and actor.is_authenticated else None
    return AccessLog(
        event=event,
        actor=actor if actor is not None and actor.is_authenticated else None,
        organisation=organisation,
        object_type=object_type,
        object_id=object_id,
        object_ref=object_ref,
        detail=detail[:200],
        ip_address=client_ip(request),
        chain=chain_of(organisation.pk if organisation is not None else None, _shard()),
    )


def _append(entry: AccessLog) -> None:
    """Take the chain's turn, read its last entry and insert this one after it, inside the caller's transaction,
    without the ORM's query building and model saving (which cost as much again); the columns are the model's,
    converted by its fields."""
    statements = _statements()
    with connection.cursor() as cursor:
        values = _take_turn(cursor, entry, statements)
        cursor.execute(statements.insert, values)
        entry.pk = cursor.fetchone()[0]


def _take_turn(cursor: Any, entry: AccessLog, statements: _Statements) -> list[Any]:
    """The chain's turn and the entry's place after its end (``_placed``); on PostgreSQL the turn and the read go as
    one text of two statements (``_turn``)."""
    if connection.vendor == "postgresql":
        cursor.execute(_turn(entry, statements))
        cursor.nextset()  # past the turn's result, to the read's
    else:
        cursor.execute(statements.last_entry, [entry.chain])
    return _placed(entry, cursor.fetchone(), statements)


def _append_alone(entry: AccessLog) -> None:
    """``_append`` as the entry's own transaction, outside any other, on PostgreSQL, in two round trips: BEGIN, the
    turn and the read as one text (``_turn``); then the insert and COMMIT as one, its values bound by psycopg on
    this side (a ClientCursor, which quotes each as a literal: a text of two statements takes no parameters
    otherwise). Pipelines did the same in as many round trips but cost twice the CPU, nine waits on the
    connection. On any failure before the COMMIT is through, the transaction is rolled back, as Django's would be."""
    statements = _statements()
    connection.ensure_connection()
    raw = connection.connection
    wrap = connection.make_debug_cursor if connection.queries_logged else connection.make_cursor  # as Django's
    try:
        with wrap(raw.cursor()) as cursor:
            cursor.execute("BEGIN; " + _turn(entry, statements))
            cursor.nextset()  # past BEGIN's result
            cursor.nextset()  # past the turn's, to the read's
            values = _placed(entry, cursor.fetchone(), statements)
        with wrap(psycopg.ClientCursor(raw)) as writer:  # type: ignore[arg-type]
            writer.execute(statements.insert + "; COMMIT", values)
            (entry.pk,) = writer.fetchone() or (None,)
    except BaseException:
        if not raw.closed:
            raw.rollback()
        raise


def _turn(entry: AccessLog, statements: _Statements) -> str:
    """The chain's turn (its advisory lock, until the transaction ends) and then the read of its end: two
    statements in one text, which PostgreSQL runs one after the other, the read with a snapshot of its own taken
    once the turn is ours (what the previous writer committed is seen). Its only values are integers, written as
    such; sent without parameters (the simple protocol, which alone takes several statements).

    The read is planned anew in each text (0.1 ms of the server's time). A statement prepared once per session and
    run here by ``EXECUTE`` would save that, but psycopg deallocates every prepared statement of a session after any
    rollback (its own cache's rule), so the next ``EXECUTE`` would fail: not done."""
    lock = f"SELECT pg_advisory_xact_lock({int(_CHAIN_LOCK)}, {int(keyed.lock_key(entry.chain))})"
    return f"{lock}; {statements.last_entry.replace('%s', str(int(entry.chain)))}"


def _placed(entry: AccessLog, last: Any, statements: _Statements) -> list[Any]:
    """The entry's place after the chain's last entry (its seq, time, previous hash and hash) and its columns'
    values for the insert."""
    entry.at = timezone.now()  # taken in the chain's turn, so that times never go back along a chain
    entry.seq, entry.prev_hash = (last[0] + 1, last[1]) if last else (1, GENESIS)
    entry.hash = entry_digest(entry, entry.prev_hash)
    return [field.get_db_prep_save(getattr(entry, field.attname), connection) for field in statements.fields]


@dataclass(frozen=True)
class _Statements:
    last_entry: str
    insert: str
    fields: list[Any]


@lru_cache(maxsize=2)
def _built(vendor: str) -> _Statements:
    meta = AccessLog._meta
    quote = connection.ops.quote_name
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    table = quote(meta.db_table)
    column = {f.name: quote(f.column) for f in meta.concrete_fields}
    chain, seq, digest = column["chain"], column["seq"], column["hash"]
    columns = ", ".join(column[f.name] for f in fields)
    values = ", ".join(["%s"] * len(fields))
    # Every name is the model's own, quoted; every value a parameter.
    return _Statements(
        last_entry=f"SELECT {seq}, {digest} FROM {table} WHERE {chain} = %s ORDER BY {seq} DESC LIMIT 1",  # noqa: S608
        insert=f"INSERT INTO {table} ({columns}) VALUES ({values}) RETURNING {column[meta.pk.name]}",  # noqa: S608
        fields=fields,
    )


def _statements() -> _Statements:
    return _built(connection.vendor)


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


# --- Anchors -------------------------------------------------------------------------------------------------


def _heads() -> dict[str, list[Any]]:
    """The head (seq, hash) of every chain, as committed now."""
    tops = AccessLog.objects.values("chain").annotate(top=Max("seq"))
    wanted = {(row["chain"], row["top"]) for row in tops}
    heads: dict[str, list[Any]] = {}
    if not wanted:
        return heads
    rows = AccessLog.objects.filter(seq__in={seq for _chain, seq in wanted}).values_list("chain", "seq", "hash")
    for chain, seq, digest in rows:
        if (chain, seq) in wanted:
            heads[str(chain)] = [seq, digest]
    return heads


def anchor_line(anchor: AccessLogAnchor) -> str:
    """One line for the application log and the anchor file: everything needed to check the anchor again."""
    return json.dumps(
        {
            "anchor": anchor.pk,
            "at": anchor.at.isoformat(),
            "heads": anchor.heads,
            "prev": anchor.prev_signature,
            "sig": anchor.signature,
        },
        sort_keys=True,
        separators=(",", ":"),
    )


def _publish(anchor: AccessLogAnchor) -> None:
    line = anchor_line(anchor)
    anchor_logger.info("access-log anchor %s", line)
    path = getattr(settings, "JEJARING_LOG_ANCHOR_FILE", "")
    if path:
        try:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            with open(path, "a", encoding="utf-8") as out:
                out.write(line + "\n")
                out.flush()
        except OSError:
            anchor_logger.exception("the access-log anchor %s could not be appended to %s", anchor.pk, path)


def anchor_write() -> AccessLogAnchor:
    """A signed checkpoint of every chain's head, chained to the previous anchor; also written, once committed, to
    the application log and to JEJARING_LOG_ANCHOR_FILE. Written periodically (Celery beat) and by each verification
    that found the log intact."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_CHAIN_LOCK, -1])
        previous = AccessLogAnchor.objects.order_by("-id").values_list("signature", flat=True).first() or ""
        at = timezone.now()
        heads = _heads()
        anchor = AccessLogAnchor.objects.create(
            at=at,
            heads=heads,
            prev_signature=previous,
            signature=keyed.anchor_signature(at.isoformat(), heads, previous),
        )
        transaction.on_commit(lambda: _publish(anchor))
    return anchor


def _anchor_from_line(line: str) -> dict[str, Any] | None:
    text = line.strip()
    if "{" not in text:
        return None
    try:
        data = json.loads(text[text.index("{") :])
    except ValueError:
        return None
    return data if isinstance(data, dict) and {"anchor", "at", "heads", "prev", "sig"} <= data.keys() else None


def outside_anchors(lines: list[str] | None = None) -> list[dict[str, Any]]:
    """The anchors kept outside the database: the anchor file's lines, and any lines given (from the shipped log)."""
    found = []
    path = getattr(settings, "JEJARING_LOG_ANCHOR_FILE", "")
    if path and Path(path).exists():
        found += [a for a in map(_anchor_from_line, Path(path).read_text(encoding="utf-8").splitlines()) if a]
    found += [a for a in map(_anchor_from_line, lines or []) if a]
    return found
