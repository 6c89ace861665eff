"""``full_clean`` without the statements that cannot fail.

Django's ``Model.full_clean`` asks the database, for every foreign key, whether the row it points to exists, and for
a new row whether its primary key is taken. When the related object is already on the instance (a service assigned a
loaded organisation, case or user) it exists, and a fresh UUID primary key is not taken: those questions cost a
statement each (seven on a reassignment) and cannot find anything. The database's own foreign-key and primary-key
constraints still guard both. Everything else is validated as ``full_clean`` does: fields, ``clean()``, the other
unique checks and the model's constraints, with the same errors.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models


def _known_relations(instance: models.Model) -> set[str]:
    return {
        field.name
        for field in instance._meta.concrete_fields
        if field.many_to_one and field.is_cached(instance) and field.get_cached_value(instance) is not None  # type: ignore[attr-defined]
    }


def _fresh_primary_key(instance: models.Model) -> set[str]:
    pk = instance._meta.pk
    if instance._state.adding and pk is not None and pk.has_default() and not pk.auto_created:
        return {pk.name}  # a generated UUID: nobody else has it
    return set()


def full_clean(instance: models.Model, *, exclude: Iterable[str] = ()) -> None:
    """``instance.full_clean(exclude=...)``, minus the foreign-key existence and fresh primary-key checks."""
    excluded = set(exclude)
    errors: dict[str, Any] = {}
    try:
        instance.clean_fields(exclude=excluded | _known_relations(instance))
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    try:
        instance.clean()
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    excluded |= {name for name in errors if name != NON_FIELD_ERRORS}
    try:
        instance.validate_unique(exclude=excluded | _fresh_primary_key(instance))
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    try:
        instance.validate_constraints(exclude=excluded)
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)
