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


def _parse(cursor: str) -> tuple[datetime, uuid.UUID] | None:
    try:
        stamp, _sep, pk = cursor.partition("_")
        return datetime.fromtimestamp(float(stamp), tz=UTC), uuid.UUID(pk)
    except (ValueError, OverflowError):
        return None


def keyset_page(rows: QuerySet[Any], cursor: str = "", *, time_field: str, size: int = 25) -> Page:
    """``rows`` must be ordered by (time_field, pk) descending, and its pk must be a UUID."""
    position = _parse(cursor) if cursor else None
    if position is not None:
        at, pk = position
        rows = rows.filter(Q(**{f"{time_field}__lt": at}) | Q(**{time_field: at, "pk__lt": pk}))
    items = list(rows[: size + 1])
    more = len(items) > size
    items = items[:size]
    last = items[-1] if more and items else None
    next_cursor = f"{getattr(last, time_field).timestamp():.6f}_{last.pk}" if last is not None else ""
    return Page(items=items, next_cursor=next_cursor, has_previous=bool(cursor))
