"""Every read of the access log, its flags and verifications, and of the change history, for the admins' screens.
Entries carry references and user names, never a victim's identity or a value."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import User
from audit import history_registry
from audit.models import AccessLog, AccessLogVerification, AuditFlag
from core import counts, sql
from core.http import row_id

PAGE = 50


def day_start(day: Any) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def no_entries() -> QuerySet[AccessLog]:
    """What a filter that does not hold lists: nothing (never everything)."""
    return AccessLog.objects.none()


def filtered_log(data: dict[str, Any]) -> QuerySet[AccessLog]:
    entries = AccessLog.objects.select_related("actor", "organisation")
    if data.get("user"):
        entries = entries.filter(actor__username__iexact=data["user"].strip())
    if data.get("organisation"):
        entries = entries.filter(organisation=data["organisation"])
    if data.get("reference"):
        # References are upper case (YKT-2026-0007, YKT-2026-0007/R1): an exact match uses the index.
        entries = entries.filter(object_ref=data["reference"].strip().upper())
    if data.get("event"):
        entries = entries.filter(event=data["event"])
    if data.get("date_from"):
        entries = entries.filter(at__gte=day_start(data["date_from"]))
    if data.get("date_to"):
        entries = entries.filter(at__lt=day_start(data["date_to"]) + timedelta(days=1))
    if data.get("actor_id"):
        entries = entries.filter(actor_id=data["actor_id"])
    if data.get("object_id"):
        entries = entries.filter(object_id=data["object_id"])
    if data.get("since") and data.get("until"):
        entries = entries.filter(at__gte=data["since"], at__lte=data["until"])
    return entries.order_by("-id")


@dataclass
class LogPage:
    entries: list[AccessLog]
    next_cursor: str


def log_page(entries: QuerySet[AccessLog], cursor: str) -> LogPage:
    before = row_id(cursor)
    if before is not None:
        entries = entries.filter(id__lt=before)
    rows = list(entries[: PAGE + 1])
    return LogPage(entries=rows[:PAGE], next_cursor=str(rows[PAGE - 1].pk) if len(rows) > PAGE else "")


def flag_window(flag_id: int | None) -> dict[str, Any]:
    """The entries behind a flag: its user and window (an hour before it began to its end)."""
    flag = AuditFlag.objects.filter(pk=flag_id).first() if flag_id is not None else None
    if flag is None:
        return {}
    return {
        "actor_id": flag.actor_id,
        "since": flag.window_start - timedelta(hours=1),
        "until": flag.window_end,
        "flag": flag,
    }


def last_verification() -> AccessLogVerification | None:
    return AccessLogVerification.objects.first()


@dataclass
class ObjectLog:
    reference: str
    object_type: str
    people: list[dict[str, Any]]


def object_log(entries: QuerySet[AccessLog], object_id: uuid.UUID) -> ObjectLog:
    """Who viewed, revealed from, or was refused one object, and its reference."""
    reference = entries.exclude(object_ref="").values_list("object_ref", flat=True).first() or str(object_id)
    people = (
        entries.exclude(actor=None)
        .values("actor__username", "organisation__code", "event")
        .order_by("actor__username", "event")
        .distinct()
    )
    object_type = entries.values_list("object_type", flat=True).first() or ""
    return ObjectLog(reference=reference, object_type=object_type, people=[dict(row) for row in people])


def user_by_id(user_id: int) -> User | None:
    return User.objects.filter(pk=user_id).first()


def flags(*, show: str, limit: int = 200) -> list[AuditFlag]:
    rows = AuditFlag.objects.select_related("actor", "reviewed_by")
    if show == "open":
        rows = rows.filter(reviewed_at__isnull=True)
    return list(rows[:limit])


def flag_by_id(flag_id: int) -> AuditFlag | None:
    return AuditFlag.objects.filter(pk=flag_id).first()


OPEN_FLAGS_KEY = "audit:open_flags"


def open_flag_count() -> int:
    """The admins' navigation badge, on every page: from the cache, forgotten when a flag is raised or reviewed."""
    return counts.cached_count(OPEN_FLAGS_KEY, AuditFlag.objects.filter(reviewed_at__isnull=True).count)


def forget_open_flag_count() -> None:
    counts.forget([OPEN_FLAGS_KEY])


# --- Change history, without values ---------------------------------------------------------------------------


@dataclass
class ChangeRow:
    when: datetime
    who: str
    record: str
    reference: str
    kind: str
    fields: list[str]


def _changed_fields(model: Any, row: Any) -> list[str]:
    previous = row.prev_record
    if previous is None:
        return []
    names = []
    for field in model._meta.concrete_fields:
        if not hasattr(row, field.attname) or field.attname in ("updated_at", "version"):
            continue  # not kept in history
        if getattr(row, field.attname) != getattr(previous, field.attname):
            names.append(str(field.verbose_name))
    return names


def change_rows(data: dict[str, Any], *, before: datetime | None) -> list[ChangeRow]:
    """The newest PAGE changes of every audited record (before ``before``), filtered, with references that identify
    no one and the names of the fields changed, never their values."""
    rows: list[tuple[Any, Any]] = []
    for item in history_registry.audited():
        if data.get("record") and data["record"] != item.key:
            continue
        history = item.model.history.select_related("history_user").order_by("-history_date")  # type: ignore[attr-defined]
        if data.get("user"):
            history = history.filter(history_user__username__iexact=data["user"].strip())
        if data.get("reference"):
            history = item.by_reference(history, data["reference"].strip())
        if data.get("date_from"):
            history = history.filter(history_date__gte=day_start(data["date_from"]))
        if data.get("date_to"):
            history = history.filter(history_date__lt=day_start(data["date_to"]) + timedelta(days=1))
        if before:
            history = history.filter(history_date__lt=before)
        rows.extend((item, row) for row in history[:PAGE])
    rows.sort(key=lambda pair: pair[1].history_date, reverse=True)
    rows = rows[:PAGE]
    references: dict[tuple[str, int], str] = {}
    for item in history_registry.audited():
        mine = [row for key, row in rows if key is item]
        for history_id, ref in item.references(mine).items() if mine else []:
            references[(item.key, history_id)] = ref
    return [
        ChangeRow(
            when=row.history_date,
            who=row.history_user.username if row.history_user else "—",
            record=str(item.label),
            reference=references.get((item.key, row.history_id), ""),
            kind=row.history_type,
            fields=_changed_fields(item.model, row),
        )
        for item, row in rows
    ]


# --- For other apps: what the access log says about one case or one user ---------------------------------------


def recently_viewed(user: User, *, object_type: str = "case", scan: int = 50) -> tuple[str, list[Any]]:
    """The objects a user opened most recently, as a statement to join (core/sql.py): rows of ``object_id`` and
    ``seen`` (the user's latest view of it) among the user's latest ``scan`` views, read backwards along
    ``audit_accesslog_actor_event`` (actor, event, at) INCLUDE (object_type, object_id), index-only. The object's
    type is asked of those views after they are cut: asked together, PostgreSQL combined the object index with it
    and sorted every view of the user instead of reading the latest (a view of a case is always of a case)."""
    views = (
        f"SELECT object_id, object_type, at FROM {sql.table(AccessLog)}"  # noqa: S608 (names, not values)
        " WHERE actor_id = %s AND event = %s ORDER BY at DESC LIMIT %s"
    )
    statement = (
        f"SELECT object_id, MAX(at) AS seen FROM ({views}) AS views"  # noqa: S608 (names, not values)
        " WHERE object_type = %s GROUP BY object_id"
    )
    return statement, [user.pk, AccessLog.Event.CASE_VIEWED.value, scan, object_type]


def viewers_of(object_id: uuid.UUID) -> list[dict[str, Any]]:
    """Who viewed an object, as organisations and roles with counts and first and last dates: never names."""
    from django.db.models import Count, Max, Min

    rows = (
        AccessLog.objects.filter(object_id=object_id, event=AccessLog.Event.CASE_VIEWED)
        .values("organisation__name", "actor__membership__role")
        .annotate(times=Count("id"), first=Min("at"), last=Max("at"))
        .order_by("organisation__name", "actor__membership__role")
    )
    return [
        {
            "organisation": row["organisation__name"] or "",
            "role": row["actor__membership__role"] or "",
            "times": row["times"],
            "first": row["first"],
            "last": row["last"],
        }
        for row in rows
    ]
