"""The case list's page as one statement written out (selectors.case_list_page, on PostgreSQL): the same two parts
of the visible cases as access.cases_with_parts, each cut at the page's end along its own index, the same filters
as selectors._narrowed, the rows as plain values rather than model instances. Building that statement through the
ORM (two filtered querysets, a union, the keyset conditions, the joins) cost more than PostgreSQL took to run it,
on the page caseworkers open most; tests/casework/test_case_list_pages.py pages through it for every user of the
cast and every filter and compares the result with ``selectors.filtered_cases``, the ORM's reading of the gate.

Table and column names come from the models; every value is a parameter."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from accounts.models import Organisation, User
from casework import access, grant_sql
from casework.choices import CaseStatus
from casework.models import Case
from core.sql import literal, rows, table

# What a row of the list shows (casework/templatetags/case_rows.py), and nothing else, where the ORM reads the page
# (the other databases): reading and converting every column of 25 cases and their people cost a tenth of it.
LIST_FIELDS = (
    *("id", "reference", "owner_id", "assigned_to_id", "status", "risk_level", "next_follow_up", "is_restricted"),
    *("created_at", "owner__code", "assigned_to__username", "assigned_to__first_name", "assigned_to__last_name"),
)


@dataclass(frozen=True, slots=True)
class ListedOwner:
    code: str


@dataclass(frozen=True, slots=True)
class ListedPerson:
    username: str
    first_name: str
    last_name: str

    def get_full_name(self) -> str:  # as User.get_full_name
        return f"{self.first_name} {self.last_name}".strip()


@dataclass(frozen=True, slots=True)
class ListedCase:
    """What a row of the list shows (casework/templatetags/case_rows.py), with the names the template reads."""

    pk: uuid.UUID
    reference: str
    owner_id: int
    owner: ListedOwner
    assigned_to_id: int | None
    assigned_to: ListedPerson | None
    status: str
    risk_level: str
    next_follow_up: date | None
    is_restricted: bool
    created_at: datetime

    @classmethod
    def of(cls, case: Case) -> ListedCase:
        """The row of a case read by the ORM (the other databases' path)."""
        person = case.assigned_to
        return cls(
            pk=case.pk,
            reference=case.reference,
            owner_id=case.owner_id,
            owner=ListedOwner(case.owner.code),
            assigned_to_id=case.assigned_to_id,
            assigned_to=None if person is None else ListedPerson(person.username, person.first_name, person.last_name),
            status=case.status,
            risk_level=case.risk_level,
            next_follow_up=case.next_follow_up,
            is_restricted=case.is_restricted,
            created_at=case.created_at,
        )


def _narrowing(alias: str, user: User, filters: Any, today: date) -> tuple[str, list[Any]]:
    """selectors._narrowed's conditions on the case ``alias``, as SQL and parameters."""
    conditions: list[str] = []
    params: list[Any] = []

    def where(condition: str, *values: Any) -> None:
        conditions.append(condition.format(c=alias))
        params.extend(values)

    closed = CaseStatus.CLOSED.value
    if filters.status:
        where("{c}.status = %s", filters.status)
    if filters.risk_level:
        where("{c}.risk_level = %s", filters.risk_level)
    if filters.mine:
        where("{c}.assigned_to_id = %s", user.pk)
    if filters.follow_up_due:
        where("{c}.next_follow_up <= %s AND {c}.status <> %s", today, closed)
    if filters.follow_up == "today":
        where("{c}.next_follow_up = %s AND {c}.status <> %s", today, closed)
    elif filters.follow_up == "overdue":
        where("{c}.next_follow_up < %s AND {c}.status <> %s", today, closed)
    if filters.open_only:
        where("{c}.status <> %s", closed)
    if filters.restricted:
        where("{c}.is_restricted")
    if filters.search_ids is not None:
        where("{c}.id = ANY(%s)", [uuid.UUID(str(pk)) for pk in filters.search_ids])
    return "".join(f" AND {condition}" for condition in conditions), params


def _after(time: str, case: str, position: tuple[datetime, uuid.UUID] | None) -> tuple[str, list[Any]]:
    """The keyset condition of pagination.keyset_page: rows after the cursor in (time, id) descending order."""
    if position is None:
        return "", []
    at, pk = position
    return f" AND {time} <= %s AND ({time} < %s OR ({time} = %s AND {case} < %s))", [at, at, at, pk]


def page_rows(
    user: User,
    organisation: Organisation,
    filters: Any,
    position: tuple[datetime, uuid.UUID] | None,
    size: int,
    today: date,
) -> list[ListedCase]:
    """Up to ``size`` rows of the visible cases after ``position``, newest first. The caller has checked
    ``access.may_reach_cases``."""
    visible = access.permission_ids(*access.VISIBLE)
    granted, granted_params = grant_sql.probes("o.id", "o.owner_id", user.pk, organisation.pk, visible)
    own_where, own_params = _narrowing("o", user, filters, today)
    own_after, own_after_params = _after("o.created_at", "o.id", position)
    shared_where, shared_params = _narrowing("s", user, filters, today)
    shared_after, shared_after_params = _after("g.case_created_at", "s.id", position)
    shared, shared_with = access.shared_from(user, "s")
    cases = table(Case)
    statement = (
        "SELECT c.id, c.reference, c.owner_id, c.assigned_to_id, c.status, c.risk_level, c.next_follow_up,"  # noqa: S608
        " c.is_restricted, c.created_at, w.code, u.username, u.first_name, u.last_name"
        f" FROM {cases} c INNER JOIN {table(Organisation)} w ON w.id = c.owner_id"
        f" LEFT OUTER JOIN {table(User)} u ON u.id = c.assigned_to_id"
        # The organisation's own cases, newest first along (owner, created_at), each asked of its grants.
        f" WHERE c.id IN ((SELECT o.id FROM {cases} o WHERE o.owner_id = %s AND {granted}{own_where}{own_after}"
        f" ORDER BY o.created_at DESC, o.id DESC LIMIT {literal(size)})"
        # The cases shared with it: its group's summary grants, newest first along the grant index.
        f" UNION ALL (SELECT s.id FROM {shared}{shared_where}{shared_after}"
        f" ORDER BY g.case_created_at DESC, s.id DESC LIMIT {literal(size)}))"
        f" ORDER BY c.created_at DESC, c.id DESC LIMIT {literal(size)}"
    )
    # The plain list (no filter) is planned once per connection (core.sql._generic: it was planned anew on every
    # request, 3.7 ms against 1.4 to run); a filtered one is planned for its values, which may be rare ones.
    plain = not (own_where or shared_where)
    params = [organisation.pk, *granted_params, *own_params, *own_after_params]
    params += [*shared_with, *shared_params, *shared_after_params]
    return [
        ListedCase(
            pk=pk,
            reference=reference,
            owner_id=owner_id,
            owner=ListedOwner(code),
            assigned_to_id=assigned_id,
            assigned_to=None if assigned_id is None else ListedPerson(username, first_name, last_name),
            status=status,
            risk_level=risk,
            next_follow_up=follow_up,
            is_restricted=restricted,
            created_at=created,
        )
        for (
            pk,
            reference,
            owner_id,
            assigned_id,
            status,
            risk,
            follow_up,
            restricted,
            created,
            code,
            username,
            first_name,
            last_name,
        ) in rows(statement, params, generic=plain)
    ]
