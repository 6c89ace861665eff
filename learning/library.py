"""The library of good practice: published practices a page at a time (the pinned ones first), the filter's
organisations and the organisation's own unpublished practices, read as values rather than model instances (a
library page built 115 of them). Reached through learning.selectors."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Q, QuerySet

from accounts.models import Organisation, User
from core import pagination
from learning.choices import Status
from learning.models import Practice

PAGE_SIZE = 25


@dataclass
class LibraryFilters:
    q: str = ""
    topic: str = ""
    province: str = ""
    organisation: int | None = None


def _search(rows: QuerySet[Practice], q: str) -> QuerySet[Practice]:
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery

        return rows.filter(search_vector=SearchQuery(q, config="simple", search_type="websearch"))
    return rows.filter(Q(title__icontains=q) | Q(summary__icontains=q) | Q(body__icontains=q))


# What a library row shows (learning/templatetags/practice_rows.py) and its keyset needs: not the body or search vector.
LIBRARY_ROW = "id title summary topic province pinned published_at helpful_count organisation__name".split()  # noqa: SIM905


@dataclass(frozen=True, slots=True)
class _Named:
    name: str


@dataclass(frozen=True, slots=True)
class LibraryRow:
    """A published practice as a library row shows it, read as values (no model instances: a page built 60)."""

    pk: Any
    title: str
    summary: str
    topic: str
    province: str
    pinned: bool
    published_at: Any
    helpful_count: int
    organisation: _Named


def _rows(rows: QuerySet[Practice]) -> list[LibraryRow]:
    return [
        LibraryRow(pk, title, summary, topic, province, pinned, published, helpful, _Named(organisation))
        for pk, title, summary, topic, province, pinned, published, helpful, organisation in rows.values_list(
            *LIBRARY_ROW
        )
    ]


def library(user: User, filters: LibraryFilters, cursor: str = "", size: int = PAGE_SIZE) -> dict[str, Any]:
    """Published practices: the pinned ones first (on the first page, when no search narrows), then one keyset
    page in order of publication. A search on PostgreSQL uses the stored search vector and its GIN index."""
    rows = Practice.objects.filter(status=Status.PUBLISHED)
    if filters.topic:
        rows = rows.filter(topic=filters.topic)
    if filters.province:
        rows = rows.filter(province=filters.province)
    if filters.organisation:
        rows = rows.filter(organisation_id=filters.organisation)
    if filters.q:
        rows = _search(rows, filters.q)
    narrowed = bool(filters.q or filters.topic or filters.province or filters.organisation)
    pinned: list[LibraryRow] = []
    if not narrowed:
        if not cursor:
            pinned = _rows(rows.filter(pinned=True).order_by("-published_at", "-id")[:10])
        rows = rows.filter(pinned=False)
    after = pagination.rows_after(rows.order_by("-published_at", "-id"), cursor, time_field="published_at")
    page = pagination.page_of(_rows(after[: size + 1]), size, cursor, time_field="published_at")
    return {"pinned": pinned, "page": page}


@dataclass(frozen=True, slots=True)
class Unpublished:
    """A practice of the user's organisation not published, as the library lists it (no model instance built)."""

    pk: Any
    title: str
    status: str
    updated_at: Any

    @property
    def status_label(self) -> str:
        return str(Status(self.status).label)


def own_unpublished(user: User) -> list[Unpublished]:
    """The practices of the user's organisation not (or no longer) published: its drafts, in review, archived."""
    if user.organisation is None:
        return []
    rows = (
        Practice.objects.filter(organisation=user.organisation)
        .exclude(status=Status.PUBLISHED)
        .order_by("-updated_at")
        .values_list("id", "title", "status", "updated_at")[:50]
    )
    return [Unpublished(*row) for row in rows]


def library_organisations() -> list[tuple[int, str]]:
    """The active organisations as (id, name), for the library's filter."""
    return list(Organisation.objects.filter(is_active=True).order_by("name").values_list("id", "name"))
