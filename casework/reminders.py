"""Casework's reminder rules: a follow-up falls due, a missed follow-up escalates, a case goes quiet.

Registered with the dispatcher in accounts from ``CaseworkConfig.ready()``. Recipients are always caseworkers who can
open the whole case (the owner organisation's group, or the named caseworkers of a restricted case).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from casework.access import caseworkers_with_access
from casework.choices import CaseStatus
from casework.models import Case
from notifications import inbox, reminders
from notifications.models import Reminder

FOLLOW_UP_DUE = "casework.follow_up_due"
FOLLOW_UP_OVERDUE = "casework.follow_up_overdue"
INACTIVE = "casework.inactive"
FOLLOW_UP_KINDS = [FOLLOW_UP_DUE, FOLLOW_UP_OVERDUE]
DUPLICATE_ASKED = "casework.duplicate_asked"
DRAFTS_EXPIRED = "casework.drafts_expired"  # no reminder of its own: its scan deletes expired intake drafts
RIGHTS_REJECTED = "casework.rights_rejected"


def _rights_kind(code: str) -> str:
    from casework.models import RightsRequest

    return str(dict(RightsRequest.Kind.choices).get(code, code))


def due_time(day: date) -> datetime:
    """Reminders about a day fall due at the start of the working day, in the network's time zone."""
    return timezone.make_aware(datetime.combine(day, time(settings.JEJARING_REMINDER_HOUR, 0)))


def schedule_follow_up(case: Case) -> None:
    """Keep the follow-up reminder in step with the case: one pending reminder for its next follow-up date."""
    day = case.next_follow_up if not case.is_closed else None
    pending = Reminder.objects.filter(object_id=case.pk, kind__in=FOLLOW_UP_KINDS, state=Reminder.State.PENDING)
    if day is not None:
        pending = pending.exclude(params__date=day.isoformat())
    pending.update(state=Reminder.State.CANCELLED)
    if day is not None:
        reminders.schedule(**_follow_up(case, day))


def follow_up_rows(case: Case) -> list[Reminder]:
    """The first follow-up's reminder of a case being opened (not saved): it has none yet to cancel or move."""
    day = case.next_follow_up if not case.is_closed else None
    return [reminders.new_row(**_follow_up(case, day))] if day is not None else []


def _follow_up(case: Case, day: date) -> dict[str, Any]:
    return {
        "kind": FOLLOW_UP_DUE,
        "due_at": due_time(day),
        "dedupe_key": f"{case.pk}:{day.isoformat()}",
        "object_type": "case",
        "object_id": case.pk,
        "object_ref": case.reference,
        "params": {"date": day.isoformat()},
    }


def follow_up_recorded(case: Case) -> None:
    """A follow-up contact was recorded: its reminders are done (and their notifications read)."""
    reminders.clear(object_id=case.pk, kinds=[*FOLLOW_UP_KINDS, INACTIVE])


def case_closed(case: Case) -> None:
    reminders.clear(object_id=case.pk, kinds=[*FOLLOW_UP_KINDS, INACTIVE])


def rights_rejected_notify(rights: Any) -> None:
    """A colleague rejected a rights request: its requester is told (the case's reference and the request's kind)."""
    reminders.notify_now(
        kind=RIGHTS_REJECTED,
        dedupe_key=str(rights.pk),
        object_type="case_rights",
        object_id=rights.case_id,
        object_ref=rights.case.reference,
        params={"kind": rights.kind, "requester": rights.requested_by_id},
    )


# --- Who can be told -------------------------------------------------------------------------------------------


def _cases(batch: list[Reminder]) -> dict[uuid.UUID, Case]:
    return Case.objects.in_bulk([r.object_id for r in batch if r.object_id])


def _assigned_first(batch: list[Reminder], *, others: bool = False) -> dict[int, list[User]]:
    cases = _cases(batch)
    access = caseworkers_with_access(list(cases))
    result: dict[int, list[User]] = {}
    for reminder in batch:
        case = cases.get(reminder.object_id)  # type: ignore[arg-type]
        if case is None:
            continue
        can_open = access.get(case.pk, [])
        assigned = [u for u in can_open if u.pk == case.assigned_to_id]
        if others:
            result[reminder.pk] = [u for u in can_open if u.pk != case.assigned_to_id] or assigned
        else:
            result[reminder.pk] = assigned or can_open
    return result


def _requester(batch: list[Reminder]) -> dict[int, list[User]]:
    """The requester of a rejected rights request, while they can still open the whole case."""
    access = caseworkers_with_access([r.object_id for r in batch if r.object_id])
    return {
        r.pk: [u for u in access.get(r.object_id, []) if u.pk == r.params.get("requester")]  # type: ignore[arg-type]
        for r in batch
    }


# --- Rules -----------------------------------------------------------------------------------------------------


def _follow_up_still_due(batch: list[Reminder]) -> set[int]:
    cases = _cases(batch)
    still = set()
    for reminder in batch:
        case = cases.get(reminder.object_id)  # type: ignore[arg-type]
        if (
            case is not None
            and not case.is_closed
            and case.next_follow_up
            and case.next_follow_up.isoformat() == reminder.params.get("date")
        ):
            still.add(reminder.pk)
    return still


def _escalate(batch: list[Reminder]) -> None:
    """Each follow-up told schedules its escalation, in one insert for the whole batch (a pass may hold 10,000)."""
    days = settings.JEJARING_FOLLOW_UP_ESCALATE_DAYS
    rows = []
    for reminder in batch:
        day = date.fromisoformat(reminder.params["date"])
        rows.append(
            Reminder(
                kind=FOLLOW_UP_OVERDUE,
                due_at=due_time(day + timedelta(days=days)),
                dedupe_key=f"{reminder.object_id}:{day.isoformat()}",
                object_type="case",
                object_id=reminder.object_id,
                object_ref=reminder.object_ref,
                params={"date": day.isoformat(), "days": days},
            )
        )
    Reminder.objects.bulk_create(rows, ignore_conflicts=True)


def _scan_inactive(now: datetime, limit: int = 1000) -> int:
    """Cases with nothing recorded for JEJARING_INACTIVE_DAYS and no reminder since their last activity."""
    days = settings.JEJARING_INACTIVE_DAYS
    cutoff = now - timedelta(days=days)
    reminded = Reminder.objects.filter(
        kind=INACTIVE, object_id=OuterRef("pk"), created_at__gte=OuterRef("last_activity_at")
    )
    quiet = (
        Case.objects.exclude(status=CaseStatus.CLOSED)
        .filter(last_activity_at__lt=cutoff)
        .exclude(Exists(reminded))
        .values_list("pk", "reference", "last_activity_at")[:limit]
    )
    rows = [
        Reminder(
            kind=INACTIVE,
            due_at=now,
            dedupe_key=f"{pk}:{last.date().isoformat()}",
            object_type="case",
            object_id=pk,
            object_ref=reference,
            params={"days": days},
            created_at=now,
        )
        for pk, reference, last in quiet
    ]
    return len(Reminder.objects.bulk_create(rows, ignore_conflicts=True))


def _inactive_still_due(batch: list[Reminder]) -> set[int]:
    cutoff = timezone.now() - timedelta(days=settings.JEJARING_INACTIVE_DAYS)
    cases = _cases(batch)
    return {
        r.pk
        for r in batch
        if (case := cases.get(r.object_id)) is not None and not case.is_closed and case.last_activity_at < cutoff  # type: ignore[arg-type]
    }


def _purge_drafts(now: datetime) -> int:
    from casework.services.drafts import intake_drafts_purge

    return intake_drafts_purge(now)


def _date(params: dict[str, object]) -> str:
    value = params.get("date")
    return formats.date_format(date.fromisoformat(str(value)), "DATE_FORMAT") if value else ""


def register() -> None:
    reminders.register(
        reminders.Rule(
            kind=FOLLOW_UP_DUE,
            recipients=_assigned_first,
            still_due=_follow_up_still_due,
            after_delivery=_escalate,
        )
    )
    reminders.register(
        reminders.Rule(
            kind=FOLLOW_UP_OVERDUE,
            recipients=lambda batch: _assigned_first(batch, others=True),
            still_due=_follow_up_still_due,
        )
    )
    reminders.register(
        reminders.Rule(kind=INACTIVE, recipients=_assigned_first, still_due=_inactive_still_due, scan=_scan_inactive)
    )
    reminders.register(reminders.Rule(kind=DUPLICATE_ASKED, recipients=_assigned_first))
    reminders.register(reminders.Rule(kind=RIGHTS_REJECTED, recipients=_requester))
    inbox.register_target("case_rights", lambda pk: reverse("casework:case_rights", args=[pk]))
    inbox.register_kind(
        inbox.Kind(
            RIGHTS_REJECTED,
            _("A colleague rejected my request under the person's rights"),
            lambda p: (
                gettext(
                    "Your request on case %(reference)s (%(kind)s) was rejected by a colleague. The reason is on "
                    "the case's rights page."
                )
                % {**p, "kind": _rights_kind(p.get("kind", ""))}
            ),
        )
    )
    reminders.register(reminders.Rule(kind=DRAFTS_EXPIRED, recipients=lambda _batch: {}, scan=_purge_drafts))
    inbox.register_target("case", lambda pk: reverse("casework:case_detail", args=[pk]))
    inbox.register_kind(
        inbox.Kind(
            DUPLICATE_ASKED,
            _("Another organisation asked about a person of one of our cases"),
            lambda p: (
                gettext(
                    "Organisation %(asker)s checked an identity number or phone that matches case %(reference)s. "
                    "Decide whether to contact them."
                )
                % p
            ),
        )
    )
    inbox.register_kind(
        inbox.Kind(
            FOLLOW_UP_DUE,
            _("A follow-up falls due"),
            lambda p: gettext("A follow-up of case %(reference)s is due (%(date)s).") % {**p, "date": _date(p)},
        )
    )
    inbox.register_kind(
        inbox.Kind(
            FOLLOW_UP_OVERDUE,
            _("A colleague's follow-up is overdue"),
            lambda p: (
                gettext("The follow-up of case %(reference)s, due %(date)s, has not been recorded. Can you help?")
                % {**p, "date": _date(p)}
            ),
        )
    )
    inbox.register_kind(
        inbox.Kind(
            INACTIVE,
            _("A case has had no activity"),
            lambda p: gettext("Nothing has been recorded on case %(reference)s for %(days)s days.") % p,
        )
    )
