"""Who is told what in the learning space. Notifications carry references and topic codes, never a title or text a
member typed (that stays on the page, behind sign-in)."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.choices import Role
from accounts.models import User
from learning.choices import Status, Topic
from notifications import inbox, reminders
from notifications.models import Reminder

PUBLISHED = "learning.practice_published"
REVIEW_REQUESTED = "learning.review_requested"
STUDY_UNPUBLISHED = "learning.study_unpublished"
REVIEW_WAITING = "learning.review_waiting"


def _tell(kind: str, *, object_type: str, object_id: uuid.UUID, reference: str, **params: object) -> None:
    reminders.notify_now(
        kind=kind,
        dedupe_key=f"{object_id}:{kind}:{timezone.now().isoformat()}",
        object_type=object_type,
        object_id=object_id,
        object_ref=reference,
        params=dict(params),
    )


def practice_published(practice: Any) -> None:
    _tell(
        PUBLISHED,
        object_type="practice",
        object_id=practice.pk,
        reference=practice.reference,
        topic=practice.topic,
        author=practice.author_id,
    )


def review_requested(item: Any, object_type: str) -> None:
    _tell(REVIEW_REQUESTED, object_type=object_type, object_id=item.pk, reference=item.reference)


def study_unpublished(practice: Any) -> None:
    _tell(
        STUDY_UNPUBLISHED,
        object_type="practice",
        object_id=practice.pk,
        reference=practice.reference,
        author=practice.author_id,
    )


def waiting_practices(now: datetime) -> dict[uuid.UUID, tuple[str, datetime]]:
    """Practices in review for longer than the chase period -> (reference, in review since). Submission sets
    ``updated_at``, and nothing else touches a practice while it is in review."""
    from learning.models import Practice

    limit = now - timedelta(days=settings.JEJARING_PRACTICE_REVIEW_CHASE_DAYS)
    rows = Practice.objects.filter(status=Status.IN_REVIEW, updated_at__lte=limit).values_list("pk", "updated_at")
    return {pk: (f"PB-{pk.hex[:8].upper()}", since) for pk, since in rows}


def _scan_waiting(now: datetime) -> int:
    """One reminder per practice and chase period: the key names the submission (its time) and how many periods it
    has waited, so a practice waiting 3 days is chased once, at 6 days once more, and a new submission starts anew."""
    days = settings.JEJARING_PRACTICE_REVIEW_CHASE_DAYS
    rows = []
    for pk, (reference, since) in waiting_practices(now).items():
        periods = int((now - since) / timedelta(days=days))
        rows.append(
            Reminder(
                kind=REVIEW_WAITING,
                due_at=now,
                dedupe_key=f"{pk}:{since.isoformat()}:{periods}",
                object_type="practice",
                object_id=pk,
                object_ref=reference,
                params={"days": periods * days},
                created_at=now,
            )
        )
    return len(Reminder.objects.bulk_create(rows, ignore_conflicts=True))


def _still_waiting(batch: list[Reminder]) -> set[int]:
    waiting = waiting_practices(timezone.now())
    return {r.pk for r in batch if r.object_id in waiting}


def _followers(batch: list[Reminder]) -> dict[int, list[User]]:
    from learning.selectors import topic_followers

    return {r.pk: list(topic_followers(str(r.params.get("topic")), exclude=r.params.get("author"))) for r in batch}


def _coordinators(batch: list[Reminder]) -> dict[int, list[User]]:
    people = list(User.objects.filter(is_active=True, membership__role=Role.COORDINATOR, membership__is_active=True))
    return {r.pk: people for r in batch}


def _author(batch: list[Reminder]) -> dict[int, list[User]]:
    ids = {r.params.get("author") for r in batch}
    users = User.objects.filter(pk__in=[i for i in ids if i], is_active=True).in_bulk()
    return {r.pk: [users[r.params["author"]]] if r.params.get("author") in users else [] for r in batch}


def _topic(p: dict[str, object]) -> str:
    code = str(p.get("topic", ""))
    return str(Topic(code).label) if code in Topic.values else code


MESSAGES = {
    PUBLISHED: (
        _("A good practice is published in a topic I follow"),
        _followers,
        lambda p: gettext("A new good practice %(reference)s was published in %(topic)s.") % {**p, "topic": _topic(p)},
    ),
    REVIEW_REQUESTED: (
        _("A practice or document waits for review"),
        _coordinators,
        lambda p: gettext("%(reference)s waits for a coordinator's review in the learning space.") % p,
    ),
    STUDY_UNPUBLISHED: (
        _("My case study is unpublished because consent was withdrawn"),
        _author,
        lambda p: (
            gettext(
                "Case study %(reference)s was unpublished: the person withdrew consent to learning use. "
                "It is a draft again."
            )
            % p
        ),
    ),
}


def register() -> None:
    for kind, (label, recipients, message) in MESSAGES.items():
        reminders.register(reminders.Rule(kind=kind, recipients=recipients))
        inbox.register_kind(inbox.Kind(kind, label, message))
    reminders.register(
        reminders.Rule(kind=REVIEW_WAITING, recipients=_coordinators, still_due=_still_waiting, scan=_scan_waiting)
    )
    inbox.register_kind(
        inbox.Kind(
            REVIEW_WAITING,
            _("A good practice has waited too long for review"),
            lambda p: gettext("Good practice %(reference)s has waited %(days)s days for a coordinator's review.") % p,
        )
    )
    inbox.register_target("practice", lambda pk: reverse("learning:practice_detail", args=[pk]))
    inbox.register_target("document", lambda pk: reverse("learning:document_detail", args=[pk]))
