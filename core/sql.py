"""A few statements of the busiest pages are written out rather than built by the ORM: building a queryset (joins,
subqueries, unions) cost more than the database took to run it, on pages every member opens many times a day. This
is what they share: the quoted table name of a model, one statement's rows, and the values that a raw row carries
as the database wrote them (SQLite gives a UUID as its hex string and a datetime without its time zone).

Every value goes in as a parameter; only names taken from the models go into the text. Each statement written out
has a test that compares what it selects with what the ORM or the gate selects.
"""

from __future__ import annotations

import datetime
import functools
import uuid
from collections.abc import Sequence
from typing import Any

from django.db import connection
from django.db.models import Model
from django.utils import timezone
from django.utils.dateparse import parse_datetime


def table(model: type[Model] | Any) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def literal(value: str | int | bool) -> str:
    """A constant of the code written into a statement instead of a parameter: a vocabulary's code, a page's size,
    a flag. Never user input (a code must be letters, digits and underscores). PostgreSQL plans a prepared statement
    once for every run only when its generic plan costs no more than the plans made for the parameters' values; a
    status or a LIMIT as a parameter made the generic plan look dearer (the database cannot know which status or
    how many rows), so the busiest statements were planned anew on every request (1 to 3 ms each:
    ``python -m bench.profile PAGE --plans``). Ids and times stay parameters."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(int(value))
    code = str(value)
    if not code.replace("_", "").isalnum() or not code.isascii():
        raise ValueError(f"not a code: {code!r}")
    return f"'{code}'"


def rows(sql: str, params: list[Any], *, generic: bool = False) -> list[tuple[Any, ...]]:
    """The statement's rows. ``generic``: on PostgreSQL, planned once per connection for every value of its
    parameters (``plan_cache_mode = force_generic_plan`` for this statement alone, see ``_generic``)."""
    with connection.cursor() as cursor:
        if generic and connection.vendor == "postgresql":
            _generic(cursor, sql, params)
        else:
            cursor.execute(sql, params)
        return cursor.fetchall()


def rows_after(first: str, first_params: list[Any], sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    """The rows of ``sql`` run after ``first`` (a lock, say), in one round trip on PostgreSQL: a pipeline sends
    both, which the server runs one after the other, the second with a snapshot of its own taken once the first is
    through (what was committed while the first waited is seen). Elsewhere, one after the other."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            connection.ensure_connection()
            with connection.wrap_database_errors, connection.connection.pipeline():
                cursor.execute(first, first_params)
                cursor.execute(sql, params)
        else:
            cursor.execute(first, first_params)
            cursor.execute(sql, params)
        return cursor.fetchall()


def generic_values(queryset: Any) -> list[tuple[Any, ...]]:
    """The rows of a ``values_list`` queryset run with its generic plan on PostgreSQL (``rows(generic=True)``), for
    an ORM query PostgreSQL planned anew on every run; its columns must be ones psycopg gives as the ORM would (ids,
    codes, numbers, UUIDs, times): no field's own conversion is applied. Elsewhere, the queryset as the ORM runs it."""
    if connection.vendor != "postgresql":
        return list(queryset)
    statement, params = queryset.query.get_compiler(using=queryset.db).as_sql()
    return rows(statement, list(params), generic=True)


def _generic(cursor: Any, sql: str, params: list[Any]) -> None:
    """Run a statement of the busiest pages with its generic plan. PostgreSQL plans a prepared statement anew for
    each run while the plans for the values seen cost less than its generic plan, and for an organisation smaller
    than the average they always do: the inbox's statement was planned on every request (1.2 ms of its 2.5), the
    home's figures likewise (0.45 of 1.7), whose generic plans are the same plans (ids into the same indexes). The
    setting is made for this statement only: ``SET LOCAL`` in the same pipeline (one round trip), which lasts until
    the end of the transaction, implicit in autocommit (the pipeline's), and is put back to the default by the
    third statement when in one; if the statement fails, the transaction is rolled back and the setting with it."""
    raw = connection.connection
    with raw.cursor() as setting, connection.wrap_database_errors, raw.pipeline():  # a failure at its end: Django's
        setting.execute("SET LOCAL plan_cache_mode = force_generic_plan")
        cursor.execute(sql, params)
        setting.execute("SET LOCAL plan_cache_mode TO DEFAULT")


def as_uuid(value: Any) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def as_aware(value: Any) -> datetime.datetime:
    """A datetime column's value, aware: PostgreSQL's as it is; SQLite's (stored in UTC) with UTC attached."""
    if isinstance(value, str):
        value = parse_datetime(value)
    if timezone.is_naive(value):
        value = value.replace(tzinfo=datetime.UTC)
    return value


# --- Model instances from a statement's row ---------------------------------------------------------------------


def columns(model: type[Model] | Any, alias: str) -> list[str]:
    """The model's concrete columns under ``alias``, in the order ``instance`` reads them."""
    quote = connection.ops.quote_name
    return [f"{alias}.{quote(field.column)}" for field in model._meta.concrete_fields]


@functools.cache
def _converters(model: Any, vendor: str) -> tuple[int, list[tuple[str, list[Any]]]]:
    """Where the primary key stands among the model's columns, and each column's attribute name and converters."""
    found = []
    for field in model._meta.concrete_fields:
        column = field.get_col(model._meta.db_table)
        found.append((field.attname, connection.ops.get_db_converters(column) + column.get_db_converters(connection)))
    return model._meta.concrete_fields.index(model._meta.pk), found


def instance(model: type[Model] | Any, values: Sequence[Any]) -> Any:
    """The model's instance from its columns' values as the database gave them (``columns``), converted as the
    ORM converts them (SQLite's booleans and times, the fields' own from_db_value); None when the row had none
    (an outer join that found nothing: the primary key is None)."""
    key, converters = _converters(model, connection.vendor)
    if values[key] is None:
        return None
    converted = []
    for value, (_attname, chain) in zip(values, converters, strict=True):
        for convert in chain:
            value = convert(value, None, connection)
        converted.append(value)
    return model.from_db(connection.alias, [attname for attname, _chain in converters], converted)


def instances(row: Sequence[Any], models: Sequence[Any]) -> list[Any]:
    """One row of several models' columns (``columns`` of each, in this order) as their instances (``instance``);
    what follows the last model's columns is left to the caller (``row[width(models):]``)."""
    built, start = [], 0
    for model in models:
        size = len(model._meta.concrete_fields)
        built.append(instance(model, row[start : start + size]))
        start += size
    return built


def width(models: Sequence[Any]) -> int:
    """How many columns ``instances`` reads for ``models``."""
    return sum(len(model._meta.concrete_fields) for model in models)
