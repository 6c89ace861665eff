"""What the network app tells people: an offer of help on a posted need, and stale capacity statuses.

Notifications carry organisation codes and a service code: never anything about a person.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.choices import Role, ServiceType
from accounts.models import Organisation, User
from notifications import inbox, reminders
from notifications.models import Reminder

NEED_OFFERED = "network.need_offered"
CAPACITY_STALE = "network.capacity_stale"


def need_offered(need: object, offer: object) -> None:
    reminders.notify_now(
        kind=NEED_OFFERED,
        dedupe_key=f"{need.pk}:{offer.organisation_id}",  # type: ignore[attr-defined]
        object_type="posted_need",
        object_id=need.pk,  # type: ignore[attr-defined]
        object_ref=need.reference,  # type: ignore[attr-defined]
        params={
            "org": need.organisation_id,  # type: ignore[attr-defined]
            "helper": offer.organisation.code,  # type: ignore[attr-defined]
            "service": need.service,  # type: ignore[attr-defined]
        },
    )


def _caseworkers_of(org_ids: set[int]) -> dict[int, list[User]]:
    found: dict[int, list[User]] = {}
    for user in User.objects.filter(
        is_active=True,
        membership__organisation_id__in=org_ids,
        membership__role=Role.CASEWORKER,
        membership__is_active=True,
    ).select_related("membership"):
        found.setdefault(user.membership.organisation_id, []).append(user)
    return found


def _org_recipients(batch: list[Reminder]) -> dict[int, list[User]]:
    people = _caseworkers_of({int(r.params.get("org", 0)) for r in batch})
    return {r.pk: people.get(int(r.params.get("org", 0)), []) for r in batch}


def stale_organisations(now: datetime) -> dict[int, str]:
    """Active organisations with a capacity status older than the stale limit -> a key for the stale episode (the
    date of their newest status). An organisation that never stated one is shown "not stated", without reminders:
    the reminder is for a bulletin that went out of date."""
    from network.models import CapacityStatus

    limit = now - timedelta(days=settings.JEJARING_CAPACITY_STALE_DAYS)
    active = set(Organisation.objects.filter(is_active=True).values_list("pk", flat=True))
    stale = (
        CapacityStatus.objects.filter(organisation_id__in=active, updated_at__lt=limit)
        .values("organisation_id")
        .annotate(newest=Max("updated_at"))
        .values_list("organisation_id", "newest")
    )
    return {org_id: newest.date().isoformat() for org_id, newest in stale}


def _scan_stale(now: datetime) -> int:
    rows = [
        Reminder(
            kind=CAPACITY_STALE,
            due_at=now,
            dedupe_key=f"{org_id}:{episode}",
            object_type="capacity",
            params={"org": org_id, "days": settings.JEJARING_CAPACITY_STALE_DAYS},
            created_at=now,
        )
        for org_id, episode in stale_organisations(now).items()
    ]
    return len(Reminder.objects.bulk_create(rows, ignore_conflicts=True))


def _still_stale(batch: list[Reminder]) -> set[int]:
    stale = stale_organisations(timezone.now())
    return {r.pk for r in batch if int(r.params.get("org", 0)) in stale}


def _service(p: dict[str, object]) -> str:
    return str(dict(ServiceType.choices).get(str(p.get("service", "")), ""))


def register() -> None:
    reminders.register(reminders.Rule(kind=NEED_OFFERED, recipients=_org_recipients))
    reminders.register(
        reminders.Rule(kind=CAPACITY_STALE, recipients=_org_recipients, still_due=_still_stale, scan=_scan_stale)
    )
    inbox.register_kind(
        inbox.Kind(
            NEED_OFFERED,
            _("Another organisation offers help on my organisation's posted need"),
            lambda p: (
                gettext("%(helper)s can help with your posted need %(reference)s (%(service)s).")
                % {**p, "service": _service(p)}
            ),
        )
    )
    inbox.register_kind(
        inbox.Kind(
            CAPACITY_STALE,
            _("My organisation's capacity statuses are out of date"),
            lambda p: (
                gettext(
                    "Your organisation's capacity statuses are older than %(days)s days. "
                    "Say which services are available."
                )
                % p
            ),
        )
    )
    inbox.register_target("posted_need", lambda pk: reverse("network:needs"))
    inbox.register_target("capacity", lambda pk: reverse("network:capacity"))
