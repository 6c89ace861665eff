"""The duplicate check across the network: which organisations already hold a case with a NIK, passport or phone
(by blind index), and which of the asker's own organisation's cases the gate lets them open."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest

from accounts.models import Organisation, User
from audit import access_log
from audit.models import AccessLog
from casework import access, crypto
from casework.models import ENCRYPTED_SECTIONS, BlindIndex, Case
from core import sql


@dataclass
class DuplicateMatch:
    organisation: Organisation
    kinds: list[str] = field(default_factory=list)
    # Cases of the asker's own organisation that the gate lets them open: shown with reference and link.
    cases: list[Case] = field(default_factory=list)
    # The holder's cases behind the match, for the notice to the holder (casework.services.duplicate_holders_notify);
    # never shown to the asker.
    holder_cases: list[tuple[uuid.UUID, str]] = field(default_factory=list)


def duplicate_matches(
    user: User,
    *,
    nik: str = "",
    passport: str = "",
    phones: list[str] | None = None,
    request: HttpRequest | None = None,
) -> list[DuplicateMatch]:
    """Which organisations already hold a case with this NIK, passport or phone: the organisation and the kind of
    identifier only, and, for cases of the user's own organisation that the gate lets them open, the case. The check
    is logged with its outcome (matches=N), never the identifiers."""
    matches = _checked(user, nik, passport, phones)
    if matches is None:
        return []
    access_log.record(AccessLog.Event.DUPLICATE_CHECKED, actor=user, request=request, detail=_outcome(matches))
    return matches


def duplicate_matches_placed(
    user: User,
    *,
    nik: str = "",
    passport: str = "",
    phones: list[str] | None = None,
    request: HttpRequest | None = None,
) -> tuple[list[DuplicateMatch], AccessLog | None]:
    """``duplicate_matches`` for a case about to be opened, inside its transaction and before its rows: the check's
    access-log entry is placed (audit.access_log.placed), not inserted, for the case's own statement to write
    (casework.services.case_open's ``then``). None when there was nothing to check, and so nothing to log."""
    matches = _checked(user, nik, passport, phones)
    if matches is None:
        return [], None
    entry = access_log.placed(AccessLog.Event.DUPLICATE_CHECKED, actor=user, request=request, detail=_outcome(matches))
    return matches, entry


def _outcome(matches: list[DuplicateMatch]) -> str:
    return f"matches={len(matches)}"


def _checked(user: User, nik: str, passport: str, phones: list[str] | None) -> list[DuplicateMatch] | None:
    """The matches of these identifiers, by their blind indexes; None when none was given (nothing checked)."""
    wanted = crypto.digests(nik=nik, passport=passport, phones=phones or [])
    if not wanted:
        return None
    by_org: dict[int, DuplicateMatch] = {}
    for case_id, reference, owner_id, kind in _holders(wanted):
        case_id = sql.as_uuid(case_id)
        match = by_org.setdefault(owner_id, DuplicateMatch(organisation=Organisation(pk=owner_id)))
        if kind not in match.kinds:
            match.kinds.append(kind)
        if (case_id, reference) not in match.holder_cases:
            match.holder_cases.append((case_id, reference))
    organisations = Organisation.objects.in_bulk(list(by_org))
    for owner_id, match in by_org.items():
        match.organisation = organisations[owner_id]
    own = by_org.get(user.organisation.pk) if user.organisation is not None else None
    if own is not None:
        candidates = Case.objects.select_related("owner").defer(*ENCRYPTED_SECTIONS)
        own.cases = [
            case
            for case in candidates.filter(pk__in=[pk for pk, _ref in own.holder_cases]).order_by("reference")
            if access.access_for(user, case).allows("view")
        ]
    return sorted(by_org.values(), key=lambda m: m.organisation.name)


def _holders(wanted: Collection[tuple[str, str]]) -> list[tuple[Any, ...]]:
    """The cases holding any of these (kind, digest) pairs: (case, reference, owner, kind), each once. One statement
    written out (the ORM's took longer to build than to run), along the (kind, digest) index, planned once per
    connection for any digests (``sql.rows(generic=True)``)."""
    wanted = sorted(wanted)  # one text (one prepared statement) for each set of kinds
    matching = " OR ".join(f"(b.kind = {sql.literal(kind)} AND b.digest = %s)" for kind, _digest in wanted)
    statement = (
        f"SELECT DISTINCT b.case_id, c.reference, c.owner_id, b.kind FROM {sql.table(BlindIndex)} b"  # noqa: S608
        f" JOIN {sql.table(Case)} c ON c.id = b.case_id WHERE ({matching})"
    )
    params: list[Any] = [digest for _kind, digest in wanted]
    return sql.rows(statement, params, generic=True)
