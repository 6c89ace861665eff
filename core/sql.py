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


def rows(sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


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
