"""The records whose change history admins may browse (without values). Apps register their models from
``AppConfig.ready()``; accounts never imports them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Model, QuerySet

from core.registry import Registry


@dataclass(frozen=True)
class Audited:
    key: str
    model: type[Model]
    label: Any  # lazily translated
    # Historical rows -> {history_id: a reference that identifies no one}
    references: Callable[[list[Any]], dict[int, str]]
    # Narrow a history queryset to one reference (a case or referral reference, a code, a username)
    by_reference: Callable[[QuerySet[Any], str], QuerySet[Any]]


_AUDITED: Registry[Audited] = Registry(key=lambda audited: audited.key)


def register(audited: Audited) -> None:
    _AUDITED.register(audited)


def audited() -> list[Audited]:
    return list(_AUDITED)


def get(key: str) -> Audited | None:
    return _AUDITED.get(key)


def by_field(field: str) -> Callable[[list[Any]], dict[int, str]]:
    """References read from a field of the historical row itself."""
    return lambda rows: {row.history_id: str(getattr(row, field)) for row in rows}


def by_lookup(model: type[Model], attribute: str, field: str) -> Callable[[list[Any]], dict[int, str]]:
    """References read from a related record (one query for all rows): by_lookup(Case, "case_id", "reference")."""

    def references(rows: list[Any]) -> dict[int, str]:
        values = dict(
            model._default_manager.filter(pk__in={getattr(row, attribute) for row in rows}).values_list("pk", field)
        )
        return {row.history_id: str(values.get(getattr(row, attribute), "")) for row in rows}

    return references


# Pages showing who has access to an object, for admins: object type -> url builder (registered by casework).
ACCESS_PANELS: dict[str, Callable[[Any], str]] = {}
