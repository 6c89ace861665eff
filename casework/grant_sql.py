"""The case gate's grants as SQL, for the statements the ORM built slowly (casework/access.py decides which grants
count; this module only writes them out). Table names come from the models, every value is a parameter."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

from django.db import connection
from django.db.models import BooleanField, Expression, F

from accounts.models import User
from casework.models import Case, CaseGroupObjectPermission, CaseUserObjectPermission
from core.sql import rows, table


def _by_group(select: str) -> str:
    """Rows of the group grants of the user's groups (the user's id the first parameter)."""
    return (
        f"SELECT {select} FROM {table(CaseGroupObjectPermission)} g"  # noqa: S608 (names, not values)
        f" INNER JOIN {table(User.groups.through)} m ON m.group_id = g.group_id WHERE m.user_id = %s"
    )


def _by_name(select: str, *, with_case: bool) -> str:
    """Rows of the user's own (named) grants (the user's id the first parameter); ``with_case`` joins the case as
    ``c``, for a condition on its owner."""
    case = f" INNER JOIN {table(Case)} c ON c.id = n.content_object_id" if with_case else ""
    return f"SELECT {select} FROM {table(CaseUserObjectPermission)} n{case} WHERE n.user_id = %s"  # noqa: S608


def _named_on_own(marks: str) -> str:
    """The user's named grants of these permissions on cases of the organisation (the user's id, then the
    organisation's, then the permissions: the parameters)."""
    return f"{_by_name('n.content_object_id', with_case=True)} AND c.owner_id = %s AND n.permission_id IN ({marks})"


def _probes(case: str, permissions: int, vendor: str) -> tuple[str, str]:
    """The two EXISTS subqueries asking the grant tables' unique indexes of one case (the SQL of its column
    ``case``): through the user's groups, and named. Each takes the user's id and the permissions. ``OFFSET 0``
    keeps PostgreSQL from turning them into a hash of all the user's grants, read whole before the first row;
    SQLite refuses an OFFSET without a LIMIT."""
    marks = ", ".join(["%s"] * permissions)
    fence = " OFFSET 0" if vendor == "postgresql" else ""
    on_case = f"permission_id IN ({marks}) AND {{alias}}.content_object_id = {case}{fence}"
    return (
        f"EXISTS ({_by_group('1')} AND g.{on_case.format(alias='g')})",
        f"EXISTS ({_by_name('1', with_case=False)} AND n.{on_case.format(alias='n')})",
    )


@functools.cache
def statement(permissions: int, own_cases: bool) -> str:
    """``access._granted_sql``'s statement for so many permissions."""
    marks = ", ".join(["%s"] * permissions)
    by_group = f"{_by_group('g.content_object_id')} AND g.permission_id IN ({marks})"
    if not own_cases:
        own = f"SELECT c.id FROM {table(Case)} c WHERE c.owner_id = %s"  # noqa: S608 (names, not values)
        return f"{by_group} AND g.content_object_id NOT IN ({own})"
    return f"{by_group} UNION {_named_on_own(marks)}"


def named(user_id: int, organisation_id: int, permission_id: int) -> tuple[str, list[Any]]:
    """The cases of the organisation on which the user holds the permission by name, as a subquery and its
    parameters (access.named_cases_sql)."""
    return _named_on_own("%s"), [user_id, organisation_id, permission_id]


def _member_of() -> str:
    """Whether the user sits in the group (the user's id, then the group's: the parameters)."""
    return f"EXISTS (SELECT 1 FROM {table(User.groups.through)} m WHERE m.user_id = %s AND m.group_id = %s)"  # noqa: S608


def own_by_rule(case: str, user_id: int, organisation_id: int, group_id: int, full_view: int) -> tuple[str, list]:
    """A case of the organisation (alias ``case``) that the user may open by the owner's rule (access.own_visible):
    not restricted and the user a member of the organisation's group, or restricted and the user named on it."""
    named, named_params = _named_on_own("%s"), [user_id, organisation_id, full_view]
    return (
        f"((NOT {case}.is_restricted AND {_member_of()}) OR ({case}.is_restricted AND {case}.id IN ({named})))",
        [user_id, group_id, *named_params],
    )


def probes(case: str, owner: str, user_id: int, organisation_id: int, permission_ids: list[int]) -> tuple[str, list]:
    """Whether the user holds one of the permissions on the case in column ``case`` (owned by the organisation in
    column ``owner``): through a group, or named on a case of the user's own organisation. Two EXISTS probes of the
    grant tables' unique indexes for that one case, for a statement that asks it of a few candidate rows (as
    ``GrantedTo``, which the ORM compiles): cheaper than the union of all the user's grants."""
    by_group, by_name = _probes(case, len(permission_ids), connection.vendor)
    return (
        f"({by_group} OR ({owner} = %s AND {by_name}))",
        [user_id, *permission_ids, organisation_id, user_id, *permission_ids],
    )


def shared_with(case: str, user_id: int, organisation_id: int, group_id: int, permission_id: int) -> tuple[str, list]:
    """The cases shared with the user's organisation, as the FROM and WHERE of a statement (the case under alias
    ``case``, its grant as ``g``) and its parameters: the organisation's group's grants of the permission (the
    summary: access.shared_from) on cases of other organisations, the user a member of the group. Read along
    the grant index (``casework_grant_newest``), newest case first (``g.case_created_at``)."""
    sql = (
        f"{table(CaseGroupObjectPermission)} g INNER JOIN {table(Case)} {case} ON {case}.id = g.content_object_id"
        " WHERE g.group_id = %s AND g.permission_id = %s"
        f" AND {_member_of()} AND {case}.owner_id <> %s"
    )
    return sql, [group_id, permission_id, user_id, group_id, organisation_id]


def shared_to(case: str, user_id: int, organisation_id: int, group_id: int, permission_id: int) -> tuple[str, list]:
    """``shared_with`` as a condition on one case (alias ``case``), for a statement that asks it of a few candidate
    rows: the organisation's group's grant of the permission on it, probed on the grant table's unique index, the
    user a member of the group, the case another organisation's."""
    grant = (
        f"EXISTS (SELECT 1 FROM {table(CaseGroupObjectPermission)} g WHERE g.group_id = %s"  # noqa: S608 (names)
        f" AND g.permission_id = %s AND g.content_object_id = {case}.id)"
    )
    return (
        f"({grant} AND {_member_of()} AND {case}.owner_id <> %s)",
        [group_id, permission_id, user_id, group_id, organisation_id],
    )


def held(user_id: int, organisation_id: int, case_id: Any) -> list[int]:
    """The ids of the permissions the user holds on one case: named (on a case of the organisation only) or through
    one of the user's groups (access.codenames_for)."""
    named = f"{_by_name('n.permission_id', with_case=True)} AND n.content_object_id = %s AND c.owner_id = %s"
    by_group = f"{_by_group('g.permission_id')} AND g.content_object_id = %s"
    case = Case._meta.pk.get_db_prep_value(case_id, connection)  # SQLite: the hex string
    found = rows(f"{named} UNION {by_group}", [user_id, case, organisation_id, user_id, case])
    return [permission for (permission,) in found]


class GrantedTo(Expression):
    """Whether the user holds one of the permissions on the row's case, through a group or named: the two probes of
    ``_probes``; the case's column is resolved by the ORM, so the expression stays right inside any subquery."""

    output_field = BooleanField()
    conditional = True

    def __init__(self, user_id: int, permission_ids: list[int]) -> None:
        super().__init__()
        self.user_id, self.permission_ids = user_id, permission_ids
        self.case: Any = F("pk")

    def get_source_expressions(self) -> list[Any]:
        return [self.case]

    def set_source_expressions(self, exprs: Sequence[Any]) -> None:
        (self.case,) = exprs

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        case, case_params = compiler.compile(self.case)
        by_group, by_name = _probes(case, len(self.permission_ids), connection.vendor)
        params = [self.user_id, *self.permission_ids, *case_params, self.user_id, *self.permission_ids, *case_params]
        return f"({by_group} OR {by_name})", params


def revoke(case_id: Any, group_id: int, permission_ids: list[int]) -> None:
    """Delete a group's grants of these permissions on a case: one statement written out (the ORM's delete built it
    for longer than it ran; guardian's grant rows have no signal or cascade)."""
    marks = ", ".join(["%s"] * len(permission_ids))
    statement = (
        f"DELETE FROM {table(CaseGroupObjectPermission)} WHERE content_object_id = %s AND group_id = %s"  # noqa: S608
        f" AND permission_id IN ({marks})"
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, [Case._meta.pk.get_db_prep_value(case_id, connection), group_id, *permission_ids])
