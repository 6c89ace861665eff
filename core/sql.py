"""A few statements of the busiest pages are written out rather than built by the ORM: building a queryset (joins,
subqueries, unions) cost more than the database took to run it, on pages every member opens many times a day. This
is what they share: the quoted table name of a model, one statement's rows, and the values that a raw row carries
as the database wrote them (SQLite gives a UUID as its hex string and a datetime without its time zone).

Every value goes in as a parameter; only names taken from the models go into the text. Each statement written out
has a test that compares what it selects with what the ORM or the gate selects.
"""

from __future__ import annotations

import datetime
import uuid
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
