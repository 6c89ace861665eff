"""The caseworkers' referrals inbox: what awaits the organisation's answer, what it has accepted, what it sent.

One statement written out (core/sql.py) for the three lists, each cut to its size by the database, and rows that
carry only what the table shows (templates/referrals/_table.html): three ORM querysets and a hundred model
instances cost more than the rest of the page. ``tests/referrals/test_inbox.py`` compares the lists with the ORM's.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from accounts.models import Organisation, User
from casework import access as case_access
from casework.models import Case
from core import sql
from referrals.choices import ReferralStatus
from referrals.models import Referral, ReferralReadings

# Everything awaiting an answer matters; of the rest, the newest are what a caseworker looks for here.
SIZE = {"incoming": 50, "in_progress": 25, "outgoing": 25}
LISTS = tuple(SIZE)


@dataclass(frozen=True, slots=True)
class Row(ReferralReadings):
    """A referral as the inbox's table shows it (referrals/templatetags/referral_tables.referral_rows; its overdue
    state and labels: ReferralReadings)."""

    pk: uuid.UUID
    reference: str
    from_code: str
    to_code: str
    urgency: str
    status: str
    deadline: datetime
    sent_at: datetime


def _part(number: int, where: str, order: str, *, with_case: bool = False) -> str:
    """One list: its number, the row's columns, cut to its size in its order (constants written in: sql.literal)."""
    organisation = sql.table(Organisation)
    case = f" INNER JOIN {sql.table(Case)} k ON k.id = r.case_id" if with_case else ""
    return (
        f"SELECT * FROM (SELECT {number} AS list, r.id, r.reference, f.code AS from_code, t.code AS to_code,"  # noqa: S608
        f" r.urgency, r.status, r.deadline, r.sent_at FROM {sql.table(Referral)} r"
        f" INNER JOIN {organisation} f ON f.id = r.from_org_id INNER JOIN {organisation} t ON t.id = r.to_org_id"
        f"{case} WHERE {where} ORDER BY {order} LIMIT {sql.literal(SIZE[LISTS[number]])}) part{number}"
    )


def lists(user: User) -> dict[str, list[Row]]:
    """The three lists of the user's organisation. Outgoing: the organisation's referrals, newest first; an open
    case of one's own organisation is granted to its group, so only a restricted case needs its grant (those named
    on it see its referrals)."""
    found: dict[str, list[Row]] = {name: [] for name in LISTS}
    if not case_access.may_reach_cases(user):
        return found
    organisation_id = user.membership.organisation_id
    named, named_params = case_access.named_cases_sql(user)
    statement = " UNION ALL ".join(
        [
            _part(0, f"r.to_org_id = %s AND r.status = {sql.literal(ReferralStatus.SENT)}", "r.deadline, r.id"),
            _part(
                1,
                f"r.to_org_id = %s AND r.status = {sql.literal(ReferralStatus.ACCEPTED)}",
                "r.sent_at DESC, r.id DESC",
            ),
            _part(
                2,
                f"r.from_org_id = %s AND (NOT k.is_restricted OR r.case_id IN ({named}))",
                "r.sent_at DESC, r.id DESC",
                with_case=True,
            ),
        ]
    )
    params: list[Any] = [organisation_id, organisation_id, organisation_id, *named_params]
    for number, pk, reference, from_code, to_code, urgency, status, deadline, sent_at in sql.rows(
        statement, params, generic=True
    ):
        found[LISTS[number]].append(
            Row(
                sql.as_uuid(pk),
                reference,
                from_code,
                to_code,
                urgency,
                status,
                sql.as_aware(deadline),
                sql.as_aware(sent_at),
            )
        )
    # Each list in its own order (a union keeps its parts' order in practice, not by any rule).
    found["incoming"].sort(key=lambda row: (row.deadline, row.pk))
    for name in ("in_progress", "outgoing"):
        found[name].sort(key=lambda row: (row.sent_at, row.pk), reverse=True)
    return found
