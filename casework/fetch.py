"""One case read by its id with its owner organisation and assigned caseworker, as every case page reads it
(selectors.get_case_for): one statement written out (core/sql.py), the instances built as the ORM's select_related
builds them, with the case's wrapped data key; building that statement with the ORM cost more than running it,
on every case page.
``tests/casework/test_fetch.py`` compares it with the ORM's."""

from __future__ import annotations

import functools
import uuid

from django.db import connection

from accounts.models import Organisation, User
from casework.models import Case, CaseKey
from core import sql


@functools.cache
def _statement(vendor: str) -> str:
    people = [*sql.columns(Case, "c"), *sql.columns(Organisation, "o"), *sql.columns(User, "u")]
    select = ", ".join([*people, "k.wrapped"])
    return (
        f"SELECT {select} FROM {sql.table(Case)} c"  # noqa: S608 (names from the models, no value)
        f" INNER JOIN {sql.table(Organisation)} o ON o.id = c.owner_id"
        f" LEFT OUTER JOIN {sql.table(User)} u ON u.id = c.assigned_to_id"
        f" LEFT OUTER JOIN {sql.table(CaseKey)} k ON k.case_id = c.id WHERE c.id = %s"
    )


def case_with_people(case_id: uuid.UUID) -> Case | None:
    """The case, its ``owner`` and ``assigned_to`` already read, and its wrapped data key for its vault
    (vault.Vault.for_case: one statement less on a case page); None when there is no such case."""
    found = sql.rows(_statement(connection.vendor), [Case._meta.pk.get_db_prep_value(case_id, connection)])
    if not found:
        return None
    row = found[0]
    sizes = [len(Case._meta.concrete_fields), len(Organisation._meta.concrete_fields)]
    case = sql.instance(Case, row[: sizes[0]])
    Case.owner.field.set_cached_value(case, sql.instance(Organisation, row[sizes[0] : sizes[0] + sizes[1]]))
    Case.assigned_to.field.set_cached_value(case, sql.instance(User, row[sizes[0] + sizes[1] : -1]))
    case.wrapped_key = row[-1]  # None: no key row (Vault.key says so)
    return case
