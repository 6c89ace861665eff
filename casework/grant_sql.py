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


@functools.cache
def statement(permissions: int, own_cases: bool) -> str:
    """``access._granted_sql``'s statement for so many permissions."""
    marks = ", ".join(["%s"] * permissions)
    by_group = (
        f"SELECT g.content_object_id FROM {table(CaseGroupObjectPermission)} g"  # noqa: S608 (names, not values)
        f" INNER JOIN {table(User.groups.through)} m ON m.group_id = g.group_id"
        f" WHERE m.user_id = %s AND g.permission_id IN ({marks})"
    )
    if not own_cases:
        own = f"SELECT c.id FROM {table(Case)} c WHERE c.owner_id = %s"  # noqa: S608 (names, not values)
        return f"{by_group} AND g.content_object_id NOT IN ({own})"
    by_user = (
        f"SELECT n.content_object_id FROM {table(CaseUserObjectPermission)} n"  # noqa: S608 (names, not values)
        f" INNER JOIN {table(Case)} c ON c.id = n.content_object_id"
        f" WHERE n.user_id = %s AND c.owner_id = %s AND n.permission_id IN ({marks})"
    )
    return f"{by_group} UNION {by_user}"


def held(user_id: int, organisation_id: int, case_id: Any) -> list[int]:
    """The ids of the permissions the user holds on one case: named (on a case of the organisation only) or through
    one of the user's groups (access.codenames_for)."""
    named = (
        f"SELECT n.permission_id FROM {table(CaseUserObjectPermission)} n"  # noqa: S608 (names, not values)
        f" INNER JOIN {table(Case)} c ON c.id = n.content_object_id"
        " WHERE n.user_id = %s AND n.content_object_id = %s AND c.owner_id = %s"
    )
    by_group = (
        f"SELECT g.permission_id FROM {table(CaseGroupObjectPermission)} g"  # noqa: S608 (names, not values)
        f" INNER JOIN {table(User.groups.through)} m ON m.group_id = g.group_id"
        " WHERE m.user_id = %s AND g.content_object_id = %s"
    )
    case = Case._meta.pk.get_db_prep_value(case_id, connection)  # SQLite: the hex string
    found = rows(f"{named} UNION {by_group}", [user_id, case, organisation_id, user_id, case])
    return [permission for (permission,) in found]


class GrantedTo(Expression):
    """Whether the user holds one of the permissions on the row's case, through a group or named: two EXISTS probes
    of the grant tables' unique indexes for that case. ``OFFSET 0`` keeps PostgreSQL from turning them into a hash
    of all the user's grants (read whole before the first row); the case's column is resolved by the ORM, so the
    expression stays right inside any subquery. Elsewhere (SQLite refuses an OFFSET without a LIMIT) without it."""

    output_field = BooleanField()
    conditional = True

    def __init__(self, user_id: int, permission_ids: list[int], case: Any = None) -> None:
        super().__init__()
        self.user_id, self.permission_ids = user_id, permission_ids
        self.case = case if case is not None else F("pk")

    def get_source_expressions(self) -> list[Any]:
        return [self.case]

    def set_source_expressions(self, exprs: Sequence[Any]) -> None:
        (self.case,) = exprs

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        case, case_params = compiler.compile(self.case)
        marks = ", ".join(["%s"] * len(self.permission_ids))
        fence = " OFFSET 0" if connection.vendor == "postgresql" else ""
        by_group = (
            f"SELECT 1 FROM {table(CaseGroupObjectPermission)} g"  # noqa: S608 (names, not values)
            f" INNER JOIN {table(User.groups.through)} m ON m.group_id = g.group_id"
            f" WHERE m.user_id = %s AND g.permission_id IN ({marks}) AND g.content_object_id = {case}{fence}"
        )
        by_user = (
            f"SELECT 1 FROM {table(CaseUserObjectPermission)} n"  # noqa: S608 (names, not values)
            f" WHERE n.user_id = %s AND n.permission_id IN ({marks}) AND n.content_object_id = {case}{fence}"
        )
        params = [self.user_id, *self.permission_ids, *case_params, self.user_id, *self.permission_ids, *case_params]
        return f"(EXISTS ({by_group}) OR EXISTS ({by_user}))", params
