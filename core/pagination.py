"""Keyset pagination: one page after a cursor in (time, id) descending order. No OFFSET, no COUNT(*), so a deep
page costs what the first one does."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from django.db.models import Q, QuerySet


@dataclass
class Page:
    items: list[Any] = field(default_factory=list)
    next_cursor: str = ""
    has_previous: bool = False


def position_after(cursor: str) -> tuple[datetime, uuid.UUID] | None:
    """The (time, id) a cursor of ``keyset_page`` names; None for no cursor or one that does not parse (then: the
    first page)."""
    if not cursor:
        return None
    try:
        stamp, _sep, pk = cursor.partition("_")
        return datetime.fromtimestamp(float(stamp), tz=UTC), uuid.UUID(pk)
    except (ValueError, OverflowError):
        return None


def page_of(items: list[Any], size: int, cursor: str, *, time_field: str) -> Page:
    """The page of up to ``size + 1`` items read after ``cursor`` in (time_field, pk) descending order (the one more
    says there is a next page), whoever read them: ``keyset_page``, or a statement written out."""
    more = len(items) > size
    items = items[:size]
    last = items[-1] if more and items else None
    next_cursor = f"{getattr(last, time_field).timestamp():.6f}_{last.pk}" if last is not None else ""
    return Page(items=items, next_cursor=next_cursor, has_previous=bool(cursor))


def keyset_page(rows: QuerySet[Any], cursor: str = "", *, time_field: str, size: int = 25) -> Page:
    """``rows`` must be ordered by (time_field, pk) descending, and its pk must be a UUID."""
    return page_of(
        list(rows_after(rows, cursor, time_field=time_field)[: size + 1]), size, cursor, time_field=time_field
    )


def rows_after(rows: QuerySet[Any], cursor: str, *, time_field: str) -> QuerySet[Any]:
    """The rows after the cursor (all of them without one), for ``keyset_page`` or a caller reading them its way
    (as values) before ``page_of``."""
    position = position_after(cursor)
    if position is None:
        return rows
    at, pk = position
    # The first condition is implied by the other two; it lets an index on the time start at the cursor.
    return rows.filter(
        Q(**{f"{time_field}__lte": at}) & (Q(**{f"{time_field}__lt": at}) | Q(**{time_field: at, "pk__lt": pk}))
    )


# --- Keyset pages in any order of (integer | time | UUID) keys ---------------------------------------------------

_KINDS = ("int", "time", "uuid")


def _encode(value: Any, kind: str) -> str:
    if kind == "time":
        return f"{value.timestamp():.6f}"
    return str(value)


def _decode(text: str, kind: str) -> Any:
    if kind == "int":
        return int(text)
    if kind == "time":
        return datetime.fromtimestamp(float(text), tz=UTC)
    return uuid.UUID(text)


def position_of(cursor: str, keys: list[tuple[str, str, bool]]) -> list[Any] | None:
    """The keys' values a cursor names, or None for no cursor or one that does not parse (then: the first page)."""
    parts = cursor.split("_") if cursor else []
    if len(parts) != len(keys):
        return None
    try:
        return [_decode(part, kind) for part, (_name, kind, _desc) in zip(parts, keys, strict=True)]
    except (ValueError, OverflowError):
        return None


def cursor_of(item: Any, keys: list[tuple[str, str, bool]]) -> str:
    """The cursor of the page that follows ``item``."""
    return "_".join(_encode(getattr(item, name), kind) for name, kind, _desc in keys)
