"""The breach register (UU 27/2022 art. 46): admins record a suspected personal data breach; the 3 x 24 hour
deadline to notify the people concerned and the authority is counted from its discovery and reminded to the admins
through the outbox until the authority's notification is recorded."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext, gettext_lazy
from django.utils.translation import gettext as _

from accounts.choices import Role
from accounts.models import Organisation, User
from audit import access_log
from audit.models import AccessLog, Breach, BreachNotification
from core.history import with_actor
from notifications import inbox, reminders
from notifications.models import Reminder

DEADLINE_REMINDER = "audit.breach_deadline"
# Reminders at these hours after discovery (the deadline is at 72).
REMIND_AT_HOURS = (24, 48, 66, 72)


def _require_admin(actor: User) -> None:
    if not (actor.is_authenticated and actor.is_active and actor.role == Role.ADMIN):
        raise PermissionDenied


@transaction.atomic
def breach_record(
    *,
    actor: User,
    what: str,
    discovered_at: datetime,
    organisations: list[Organisation],
    cases_affected: int,
    request: Any = None,
) -> Breach:
    _require_admin(actor)
    if not what.strip():
        raise ValidationError({"what": _("Describe what happened.")})
    if discovered_at > timezone.now() + timedelta(minutes=5):
        raise ValidationError({"discovered_at": _("The time of discovery cannot be in the future.")})
    breach = Breach(what=what.strip(), discovered_at=discovered_at, cases_affected=cases_affected, recorded_by=actor)
    with_actor(breach, actor)
    breach.save()
    breach.organisations.set(organisations)
    for hours in REMIND_AT_HOURS:
        due = discovered_at + timedelta(hours=hours)
        reminders.schedule(
            kind=DEADLINE_REMINDER,
            due_at=max(due, timezone.now()) if hours == REMIND_AT_HOURS[0] else due,
            dedupe_key=f"{breach.pk}:{hours}",
            object_type="breach",
            object_ref=breach.reference,
            params={"breach": breach.pk, "deadline": breach.deadline.isoformat()},
        )
    access_log.record(
        AccessLog.Event.BREACH_RECORDED, actor=actor, request=request, object_type="breach", object_ref=breach.reference
    )
    return breach


@transaction.atomic
def breach_notification_record(
    *, actor: User, breach: Breach, recipient: str, notified_at: datetime, how: str
) -> BreachNotification:
    _require_admin(actor)
    if notified_at > timezone.now() + timedelta(minutes=5):
        raise ValidationError({"notified_at": _("The time cannot be in the future.")})
    if not how.strip():
        raise ValidationError({"how": _("Say how they were told (letter, email, meeting).")})
    notification = BreachNotification(
        breach=breach, recipient=recipient, notified_at=notified_at, how=how.strip(), recorded_by=actor
    )
    with_actor(notification, actor)
    notification.save()
    return notification


def breaches() -> QuerySet[Breach]:
    return Breach.objects.prefetch_related("organisations", "notifications").select_related("recorded_by")


def breach_of(breach_id: int) -> Breach | None:
    return breaches().filter(pk=breach_id).first()


def time_left(breach: Breach, now: datetime | None = None) -> timedelta:
    return breach.deadline - (now or timezone.now())


def authority_told(breach: Breach) -> bool:
    return any(n.recipient == BreachNotification.Recipient.AUTHORITY for n in breach.notifications.all())


# --- Reminders -------------------------------------------------------------------------------------------------


def _recipients(batch: list[Reminder]) -> dict[int, list[User]]:
    admins = list(
        User.objects.filter(is_active=True, membership__role=Role.ADMIN, membership__is_active=True).order_by("pk")
    )
    return {reminder.pk: admins for reminder in batch}


def _still_due(batch: list[Reminder]) -> set[int]:
    ids = {int(r.params.get("breach", 0)) for r in batch}
    open_ids = set(
        Breach.objects.filter(pk__in=ids, closed_at__isnull=True)
        .exclude(notifications__recipient=BreachNotification.Recipient.AUTHORITY)
        .values_list("pk", flat=True)
    )
    return {r.pk for r in batch if int(r.params.get("breach", 0)) in open_ids}


def _message(params: dict[str, Any]) -> str:
    deadline = datetime.fromisoformat(str(params.get("deadline")))
    when = formats.date_format(timezone.localtime(deadline), "DATETIME_FORMAT")
    return gettext(
        "Breach %(reference)s: the people concerned and the authority must be told by %(deadline)s. Record each "
        "notification in the breach register."
    ) % {"reference": params.get("reference", ""), "deadline": when}


def register() -> None:
    reminders.register(reminders.Rule(kind=DEADLINE_REMINDER, recipients=_recipients, still_due=_still_due))
    inbox.register_target("breach", lambda _pk: reverse("audit:breaches"))
    inbox.register_kind(inbox.Kind(DEADLINE_REMINDER, gettext_lazy("A breach notification deadline"), _message))
