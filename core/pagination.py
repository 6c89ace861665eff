"""Keyset pagination: one page after a cursor in (time, id) descending order. No OFFSET, no COUNT(*), so a deep
page costs what the first one does."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
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


def keyset_page(
    rows: QuerySet[Any],
    cursor: str = "",
    *,
    time_field: str,
    size: int = 25,
    parts: Sequence[QuerySet[Any] | tuple[QuerySet[Any], str]] = (),
) -> Page:
    """``rows`` must be ordered by (time_field, pk) descending, and its pk must be a UUID.

    With ``parts``, disjoint querysets of the same model whose union is the set to page through (only on a
    database that orders and slices within a UNION: ``supports_slicing_ordering_in_compound``), the page is cut
    from each part first, in one statement with the rows: each part can then be read along its own index and
    stop at the page's end. ``rows`` says only how to read and order the page's rows. A part given as
    ``(queryset, field)`` is cut by that field (an annotation equal to ``time_field`` on every row, read from the
    index the part walks) instead of ``time_field``."""
    position = _parse(cursor) if cursor else None

    def after(field: str) -> Q:
        if position is None:
            return Q()
        at, pk = position
        # The first condition is implied by the other two; it lets an index on the time start at the cursor.
        return Q(**{f"{field}__lte": at}) & (Q(**{f"{field}__lt": at}) | Q(**{field: at, "pk__lt": pk}))

    if parts:
        cut = [part if isinstance(part, tuple) else (part, time_field) for part in parts]
        ends = [part.filter(after(field)).order_by(f"-{field}", "-pk").values("pk")[: size + 1] for part, field in cut]
        rows = rows.filter(pk__in=ends[0].union(*ends[1:], all=True))
    elif position is not None:
        rows = rows.filter(after(time_field))
    items = list(rows[: size + 1])
    more = len(items) > size
    items = items[:size]
    last = items[-1] if more and items else None
    next_cursor = f"{getattr(last, time_field).timestamp():.6f}_{last.pk}" if last is not None else ""
    return Page(items=items, next_cursor=next_cursor, has_previous=bool(cursor))


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
