"""The retention review's monthly reminder: while an organisation has closed cases past the retention period, its
caseworkers are reminded once a month (a reminders Rule with a scan; the count only, no reference)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Count, OuterRef, Subquery
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation, User
from casework.access import active_caseworkers
from casework.choices import CaseStatus
from casework.models import Case, RightsRequest
from notifications import inbox, reminders
from notifications.models import Reminder

RETENTION_REVIEW = "casework.retention_review"


def due_counts(now: datetime) -> dict[int, int]:
    """Per organisation, how many closed cases are past the retention period (not erased, no erasure waiting)."""
    years = settings.JEJARING_RETENTION_YEARS
    cutoff = now - timedelta(days=365 * years + years // 4)
    closed_at = Subquery(
        Case.history.filter(id=OuterRef("pk"), history_change_reason="closed")
        .order_by("-history_date")
        .values("history_date")[:1]
    )
    waiting = RightsRequest.objects.filter(kind="erasure", state="requested").values("case_id")
    rows = (
        Case.objects.filter(status=CaseStatus.CLOSED, erased_at__isnull=True)
        .exclude(pk__in=waiting)
        .annotate(closed_at=closed_at)
        .filter(closed_at__lt=cutoff)
        .values("owner_id")
        .annotate(n=Count("id"))
    )
    return {row["owner_id"]: row["n"] for row in rows}


def _scan(now: datetime) -> int:
    month = now.strftime("%Y-%m")
    counts = due_counts(now)
    codes = dict(Organisation.objects.filter(pk__in=list(counts)).values_list("pk", "code"))
    rows = [
        Reminder(
            kind=RETENTION_REVIEW,
            due_at=now,
            dedupe_key=f"{organisation_id}:{month}",
            object_type="retention",
            object_ref=codes.get(organisation_id, ""),
            params={"organisation": organisation_id, "count": count},
            created_at=now,
        )
        for organisation_id, count in counts.items()
    ]
    return len(Reminder.objects.bulk_create(rows, ignore_conflicts=True))


def _recipients(batch: list[Reminder]) -> dict[int, list[User]]:
    wanted = {int(r.params.get("organisation", 0)) for r in batch}
    people: dict[int, list[User]] = {}
    for user in active_caseworkers().filter(membership__organisation_id__in=wanted).select_related("membership"):
        people.setdefault(user.membership.organisation_id, []).append(user)
    return {r.pk: people.get(int(r.params.get("organisation", 0)), []) for r in batch}


def register() -> None:
    reminders.register(reminders.Rule(kind=RETENTION_REVIEW, recipients=_recipients, scan=_scan))
    inbox.register_target("retention", lambda _pk: reverse("casework:retention"))
    inbox.register_kind(
        inbox.Kind(
            RETENTION_REVIEW,
            _("Closed cases are due for a retention review"),
            lambda p: (
                gettext(
                    "%(count)s closed cases of your organisation are past the retention period. Review them: propose "
                    "their erasure or record why they are kept."
                )
                % p
            ),
        )
    )
