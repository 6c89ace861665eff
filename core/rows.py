"""New rows written together: the instances one service creates in its transaction, with the historical row that
simple-history adds for each (and for an instance the service has just updated), in one statement on PostgreSQL
(each table's INSERT a data-modifying ``WITH`` of the last) and one INSERT per table elsewhere.

Opening a case wrote eight rows in eight statements through the ORM's save, each with its round trip and the
ORM's building of the statement and the model's signals: 3.6 ms of the intake's 9.6 ms of Python. Here each row's
values are the ones the ORM's insert takes (each field's ``pre_save`` for an insert, then ``get_db_prep_save``),
and each historical row the one simple-history's ``create_historical_record`` builds ("+", or "~" for one changed;
the actor named with ``core.history.with_actor``, the change reason if one is set, its pre- and post-create signals
sent, though the historical row a receiver is given has no id: the database's is not read back); a test compares
both with the ORM's rows of the same instances (tests/core/test_rows.py).

What this does not do: it sends no ``pre_save`` or ``post_save`` (the models written here have no receiver but
simple-history's, and a test says so), and it does not read back an id the database makes (an auto-incremented
primary key stays None on the instance, and the instance is not marked saved). Every value is a parameter; only the
models' own names go into the text.
"""

from __future__ import annotations

import datetime
import functools
import itertools
import uuid
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import Field, Model
from django.db.models.fields import AutoFieldMixin
from django.utils import timezone
from simple_history import signals as history_signals
from simple_history.utils import get_change_reason_from_object


def insert(
    instances: Iterable[Model],
    *,
    changed: Iterable[Model] = (),
    updated: Iterable[tuple[Model, Sequence[str]]] = (),
) -> None:
    """Insert these new instances and their historical rows, in one statement on PostgreSQL. Instances with a
    primary key of their own (a UUID made in Python) are marked saved; the historical rows' ids are the
    database's. ``changed``: saved instances the caller has just updated (with an UPDATE of its own), whose
    historical row of the change ("~") is written with the others. ``updated``: saved instances and the fields of
    theirs to write, by an UPDATE in the same statement (their values as they are now, as ``QuerySet.update`` would
    write them: no ``pre_save``), with their historical row of the change."""
    instances, updates = list(instances), [(instance, tuple(names)) for instance, names in updated]
    changed = [*changed, *(instance for instance, _names in updates)]
    if not instances and not changed:
        return
    now = timezone.now()
    for instance in changed:
        if instance._state.adding:
            raise ValueError(f"{type(instance).__name__}: not saved, so not changed")
    # On PostgreSQL (core.postgresql) with its own placeholders, which psycopg need not convert on every run.
    raw = getattr(connection, "raw_cursor", None) if connection.vendor == "postgresql" else None
    numbers = itertools.count(1)
    place = (lambda: f"${next(numbers)}") if raw is not None else (lambda: "%s")
    grouped: dict[Any, list[Model]] = {}
    for instance in instances:
        grouped.setdefault(type(instance), []).append(instance)
    # The instances' values first (each field's pre_save: an auto_now time, say), then their history, which copies
    # them, as simple-history's post_save copies the saved instance.
    statements = [_update(instance, names, place) for instance, names in updates]
    statements += [_statement(model, group, place) for model, group in grouped.items()]
    histories = [(instance, _historical(instance, now)) for instance in instances]
    histories += [(instance, _historical(instance, now, "~")) for instance in changed]
    grouped = {}
    for instance, history in histories:
        if history is not None:
            _send(history_signals.pre_create_historical_record, instance, history)
            grouped.setdefault(type(history), []).append(history)
    statements += [_statement(model, group, place) for model, group in grouped.items()]
    with transaction.atomic(savepoint=False), raw() if raw is not None else connection.cursor() as cursor:
        if connection.vendor == "postgresql" and len(statements) > 1:
            *before, (last, last_params) = statements
            text = "WITH " + ", ".join(f"w{number} AS ({sql})" for number, (sql, _p) in enumerate(before))
            params = [value for _sql, values in before for value in values]
            cursor.execute(f"{text} {last}", params + last_params)
        else:
            for sql, params in statements:
                cursor.execute(sql, params)
    for instance in instances:
        if instance.pk is not None:
            instance._state.adding, instance._state.db = False, connection.alias
    for instance, history in histories:
        if history is not None:
            _send(history_signals.post_create_historical_record, instance, history)


def _send(signal: Any, instance: Model, history: Any) -> None:
    signal.send(
        sender=type(history),
        instance=instance,
        history_instance=history,
        history_date=history.history_date,
        history_user=history.history_user,
        history_change_reason=history.history_change_reason,
        using=None,
    )


@functools.cache
def _history_model(model: Any) -> Any:
    name = getattr(model._meta, "simple_history_manager_attribute", None)
    if name is None:
        return None
    history_model = getattr(model, name).model
    m2m: Any = getattr(history_model, "_history_m2m_fields", None)
    if getattr(history_model, "history_relation", None) is not None or m2m:
        raise NotImplementedError(f"{model.__name__}: a history_relation or many-to-many history is not written here")
    return history_model


def _historical(instance: Model, now: Any, kind: str = "+") -> Any:
    """The historical row simple-history's post_save would save for a created ("+") or changed ("~") instance
    (``create_historical_record``), not saved: None for a model without history, or when history is off for it."""
    history_model = _history_model(type(instance))
    if history_model is None or hasattr(instance, "skip_history_when_saving"):
        return None
    if not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        return None
    try:
        user = instance._history_user  # type: ignore[attr-defined]
    except AttributeError:
        raise ValueError(f"{type(instance).__name__}: name the actor first (core.history.with_actor)") from None
    attrs = {field.attname: getattr(instance, field.attname) for field in history_model.tracked_fields}
    return history_model(
        history_date=getattr(instance, "_history_date", now),
        history_type=kind,
        history_user=user,
        history_change_reason=get_change_reason_from_object(instance),
        **attrs,
    )


@functools.cache
def _shape(model: Any, vendor: str) -> tuple[str, list[tuple[Any, bool, Any, bool]]]:
    """The INSERT's head (table and columns) and the fields it takes, in order: the model's concrete fields but an
    automatic primary key, which the database gives. With each field: whether its ``pre_save`` is its own (else the
    value is the attribute's), the value types it hands on as they are (``_as_is``) and whether it has a
    placeholder of its own."""
    quote = connection.ops.quote_name
    fields = [
        field for field in model._meta.concrete_fields if not (field.primary_key and isinstance(field, AutoFieldMixin))
    ]
    columns = ", ".join(quote(field.column) for field in fields)
    plan = [
        (
            field,
            type(field).pre_save is not Field.pre_save,
            _as_is(field) if vendor == "postgresql" else None,
            hasattr(field, "get_placeholder"),
        )
        for field in fields
    ]
    return f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ", plan  # noqa: S608 (names only)


# On PostgreSQL, the fields (of exactly these classes) whose ``get_db_prep_save`` gives a value of these types back
# unchanged (a text, a number, a UUID, a date, an aware time: the backend adapts none of them, psycopg does): such a
# value skips that chain of calls, which was a tenth of a service's writing. Any other value or field takes it.
_AS_IS_TYPES: dict[type[Field], tuple[type, ...]] = {
    models.CharField: (str,),
    models.TextField: (str,),
    models.BooleanField: (bool,),
    models.IntegerField: (int,),
    models.BigIntegerField: (int,),
    models.SmallIntegerField: (int,),
    models.PositiveIntegerField: (int,),
    models.PositiveSmallIntegerField: (int,),
    models.PositiveBigIntegerField: (int,),
    models.AutoField: (int,),
    models.BigAutoField: (int,),
    models.UUIDField: (uuid.UUID,),
    models.DateField: (datetime.date,),
    models.DateTimeField: (datetime.datetime,),
}


def _as_is(field: Field) -> Any:
    """The value types ``field`` hands on unchanged (``_AS_IS_TYPES``): a relation's are its target's."""
    if type(field) in (models.ForeignKey, models.OneToOneField):
        target = field.target_field  # type: ignore[attr-defined]
        return _AS_IS_TYPES.get(type(target)) if type(target).get_db_prep_save is Field.get_db_prep_save else None
    return _AS_IS_TYPES.get(type(field)) if type(field).get_db_prep_save is Field.get_db_prep_save else None


def _prepared(field: Field, value: Any, as_is: Any) -> Any:
    kind = type(value)
    if as_is is not None and kind in as_is and (kind is not datetime.datetime or value.tzinfo is not None):
        return value  # a naive time takes Django's way below (its warning and conversion)
    return field.get_db_prep_save(value, connection)


def _update(instance: Model, names: Sequence[str], place: Callable[[], str]) -> tuple[str, list[Any]]:
    """``UPDATE`` of these fields of a saved instance, by its primary key."""
    meta, quote = instance._meta, connection.ops.quote_name
    fields = [meta.get_field(name) for name in names]
    concrete = [field for field in fields if isinstance(field, Field) and field.concrete and not field.primary_key]
    if not fields or len(concrete) != len(fields) or meta.pk is None:
        raise ValueError(f"{type(instance).__name__}: name the concrete fields to update")
    sets, params = [], []
    for field in concrete:
        value = _prepared(field, getattr(instance, field.attname), _as_is(field))
        if hasattr(value, "resolve_expression"):
            raise TypeError(f"{type(instance).__name__}.{field.name}: an expression is not written here")
        sets.append(f"{quote(str(field.column))} = {place()}")
        params.append(value)
    params.append(meta.pk.get_db_prep_value(instance.pk, connection))
    where = f"{quote(str(meta.pk.column))} = {place()}"
    return f"UPDATE {quote(meta.db_table)} SET {', '.join(sets)} WHERE {where}", params  # noqa: S608 (names only)


def _statement(model: Any, instances: list[Model], place: Callable[[], str]) -> tuple[str, list[Any]]:
    head, plan = _shape(model, connection.vendor)
    rows, params = [], []
    for instance in instances:
        if instance.pk is not None and not instance._state.adding:
            raise ValueError(f"{model.__name__} {instance.pk}: already saved")
        places = []
        for field, own_pre_save, as_is, placeholder in plan:
            raw = field.pre_save(instance, True) if own_pre_save else getattr(instance, field.attname)
            value = None if raw is None and as_is is not None else _prepared(field, raw, as_is)
            if hasattr(value, "resolve_expression"):
                raise TypeError(f"{model.__name__}.{field.name}: an expression is not written here")
            if placeholder:
                places.append(field.get_placeholder(value, None, connection).replace("%s", place()))
            else:
                places.append(place())
            params.append(value)
        rows.append(f"({', '.join(places)})")
    return head + ", ".join(rows), params
