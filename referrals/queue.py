"""The coordinators' queue: every referral of the network, filtered, in one of three orders, a keyset page at a time.

One statement written out (core/sql.py) for the page: the ORM's filtered, annotated, ordered queryset and its keyset
condition cost more to build than PostgreSQL took to run them, on a page coordinators reload all day. The urgency's
rank and the open statuses are written as the queue's indexes are (referrals.models: ``urgency_rank``,
``QUEUE_OPEN``), so that a page reads its 25 rows along an index instead of sorting every match. The rows carry only
what the table shows (referrals/templatetags/referral_tables.queue_rows); the case's province of origin, the one
column of the summary a row shows, is joined after the page is cut (joined before, every matching referral's case
was read). ``tests/referrals/test_queue_statement.py`` compares every filter and order with the ORM's.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import connection
from django.utils import timezone

from accounts.models import Organisation
from casework.models import Case
from core import pagination, sql
from referrals.choices import ReferralStatus, Urgency
from referrals.models import QUEUE_OPEN, Referral, ReferralReadings


@dataclass
class QueueFilters:
    status: str = ""
    urgency: str = ""
    overdue: bool = False
    from_org: int | None = None
    to_org: int | None = None
    province: str = ""
    service: str = ""
    show: str = "open"  # open | finished | all (a status filter wins)
    sort: str = "urgency"  # urgency | waited | newest


# (column of the row, the cursor's kind, descending) of each order; the last key is unique.
SORTS: dict[str, list[tuple[str, str, bool]]] = {
    # Most urgent first, and within an urgency the longest waiting.
    "urgency": [("urgency_rank", "int", False), ("sent_at", "time", False), ("pk", "uuid", False)],
    "waited": [("sent_at", "time", False), ("pk", "uuid", False)],
    "newest": [("sent_at", "time", True), ("pk", "uuid", True)],
}


# referrals.models.urgency_rank and the open queue's partial index, as SQL.
URGENCY_RANK = (
    f"CASE WHEN r.urgency = {sql.literal(Urgency.EMERGENCY)} THEN 0"
    f" WHEN r.urgency = {sql.literal(Urgency.URGENT)} THEN 1 ELSE 2 END"
)
OPEN = f"({', '.join(sql.literal(status) for status in QUEUE_OPEN)})"
EXPRESSIONS = {"urgency_rank": URGENCY_RANK, "sent_at": "r.sent_at", "pk": "r.id"}


@dataclass(frozen=True, slots=True)
class Row(ReferralReadings):
    """A referral as a row of the queue shows it (its overdue state, times and labels: ReferralReadings)."""

    pk: uuid.UUID
    reference: str
    case_id: uuid.UUID
    from_code: str
    to_code: str
    services: list[str]
    urgency: str
    status: str
    deadline: datetime
    sent_at: datetime
    answered_at: datetime | None
    consent_override: bool
    urgency_rank: int
    province: str  # the case's province of origin (a code; "" when not known)


def _where(filters: QueueFilters) -> tuple[list[str], list[Any], bool]:
    """The filters' conditions and parameters, and whether they need the case (its province)."""
    conditions: list[str] = []
    params: list[Any] = []
    if filters.status:
        conditions.append("r.status = %s")
        params.append(filters.status)
    elif filters.show == "open":
        conditions.append(f"r.status IN {OPEN}")
    elif filters.show == "finished":
        conditions.append(f"r.status NOT IN {OPEN}")
    if filters.urgency:
        conditions.append("r.urgency = %s")
        params.append(filters.urgency)
    if filters.overdue:
        conditions.append("r.status = %s AND r.deadline < %s")
        params += [ReferralStatus.SENT.value, _prepared(timezone.now())]
    for column, value in (("from_org_id", filters.from_org), ("to_org_id", filters.to_org)):
        if value:
            conditions.append(f"r.{column} = %s")
            params.append(value)
    if filters.province:
        conditions.append("c.origin_province = %s")
        params.append(filters.province)
    if filters.service:  # as core.fields.Has: the stored ",code,code," list holds ",code,"
        conditions.append("r.services " + connection.operators["contains"] % "%s")
        params.append(f"%{connection.ops.prep_for_like_query(f',{filters.service},')}%")
    return conditions, params, bool(filters.province)


def _after(keys: list[tuple[str, str, bool]], position: list[Any]) -> tuple[str, list[Any]]:
    """Rows after the cursor's position, in the order of ``keys`` (pagination.keyset_page_ordered's condition)."""
    steps, params = [], []
    for index, (name, _kind, descending) in enumerate(keys):
        parts = [f"{EXPRESSIONS[earlier]} = %s" for earlier, _k, _d in keys[:index]]
        parts.append(f"{EXPRESSIONS[name]} {'<' if descending else '>'} %s")
        steps.append("(" + " AND ".join(parts) + ")")
        params += [*position[:index], position[index]]
    return "(" + " OR ".join(steps) + ")", params


def page(filters: QueueFilters, cursor: str = "", size: int = 25) -> pagination.Page:
    """One page of the queue after ``cursor`` (a cursor that does not parse gives the first page)."""
    keys = SORTS.get(filters.sort, SORTS["newest"])
    conditions, params, with_case = _where(filters)
    position = pagination.position_of(cursor, keys)
    if position is not None:
        after, after_params = _after(keys, [_prepared(value) for value in position])
        conditions.append(after)
        params += after_params
    organisation = sql.table(Organisation)
    case = f" INNER JOIN {sql.table(Case)} c ON c.id = r.case_id" if with_case else ""
    order = ", ".join(f"{EXPRESSIONS[name]}{' DESC' if descending else ''}" for name, _kind, descending in keys)
    cut = ", ".join(f"p.{name}{' DESC' if descending else ''}" for name, _kind, descending in keys)
    statement = (
        "SELECT p.*, k.origin_province FROM (SELECT r.id AS pk, r.reference, r.case_id, f.code AS from_code,"  # noqa: S608
        " t.code AS to_code, r.services, r.urgency, r.status, r.deadline, r.sent_at, r.answered_at,"
        f" r.consent_override, {URGENCY_RANK} AS urgency_rank FROM {sql.table(Referral)} r"
        f" INNER JOIN {organisation} f ON f.id = r.from_org_id INNER JOIN {organisation} t ON t.id = r.to_org_id"
        f"{case}{' WHERE ' + ' AND '.join(conditions) if conditions else ''}"
        f" ORDER BY {order} LIMIT {sql.literal(size + 1)}) p"
        f" INNER JOIN {sql.table(Case)} k ON k.id = p.case_id ORDER BY {cut}"
    )
    services: Any = Referral._meta.get_field("services")
    rows = [
        Row(
            sql.as_uuid(pk),
            reference,
            sql.as_uuid(case_id),
            from_code,
            to_code,
            services.to_python(codes),
            urgency,
            status,
            sql.as_aware(deadline),
            sql.as_aware(sent_at),
            sql.as_aware(answered_at) if answered_at is not None else None,
            bool(override),
            rank,
            province or "",
        )
        for pk, reference, case_id, from_code, to_code, codes, urgency, status, deadline, sent_at, answered_at, override, rank, province in sql.rows(  # noqa: E501
            statement, params
        )
    ]
    more = len(rows) > size
    rows = rows[:size]
    return pagination.Page(
        items=rows,
        next_cursor=pagination.cursor_of(rows[-1], keys) if more and rows else "",
        has_previous=bool(cursor),
    )


def _prepared(value: Any) -> Any:
    """A value as the database compares it: SQLite keeps a UUID as its hex string and a time as UTC text."""
    if isinstance(value, uuid.UUID):
        return Referral._meta.pk.get_db_prep_value(value, connection)
    if isinstance(value, datetime):
        return connection.ops.adapt_datetimefield_value(value)
    return value
