"""What every learning service shares: role checks, the actor on history rows, the review checklist."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import Role
from accounts.models import User
from learning.choices import CHECKLIST_KEYS, Status
from learning.selectors import AUTHOR_ROLES, MEMBER_ROLES


def with_actor(instance: Any, actor: User) -> None:
    instance._history_user = actor


def save(instance: Any, actor: User, **kwargs: Any) -> None:
    with_actor(instance, actor)
    instance.save(**kwargs)


def require_member(actor: User) -> None:
    if actor.role not in MEMBER_ROLES:
        raise PermissionDenied


def require_author_role(actor: User) -> None:
    if actor.role not in AUTHOR_ROLES:
        raise PermissionDenied


def require_coordinator(actor: User) -> None:
    if actor.role != Role.COORDINATOR:
        raise PermissionDenied


def require_admin(actor: User) -> None:
    if actor.role != Role.ADMIN:
        raise PermissionDenied


def require_author(actor: User, item: Any) -> None:
    if item.author_id != actor.pk:
        raise PermissionDenied


def require_status(item: Any, *statuses: str) -> None:
    if item.status not in statuses:
        raise ValidationError(_("This is %(status)s: that cannot be done now.") % {"status": item.status_label.lower()})


def require_text(**fields: str) -> None:
    missing = {name: _("This field is required.") for name, value in fields.items() if not (value or "").strip()}
    if missing:
        raise ValidationError(missing)


def submit(item: Any, actor: User) -> None:
    """Draft -> in review, by its author."""
    require_author(actor, item)
    require_status(item, Status.DRAFT)
    item.status, item.updated_at = Status.IN_REVIEW, timezone.now()
    save(item, actor)


def send_back(item: Any, actor: User) -> None:
    """In review -> draft, by a coordinator who wants changes."""
    require_coordinator(actor)
    require_status(item, Status.IN_REVIEW)
    item.status, item.updated_at = Status.DRAFT, timezone.now()
    save(item, actor)


def publish(item: Any, actor: User, checklist: Iterable[str]) -> None:
    """In review -> published, by a coordinator other than the author who ticked every item of the checklist. The
    service, not only the form, refuses an incomplete checklist."""
    require_coordinator(actor)
    require_status(item, Status.IN_REVIEW)
    if item.author_id == actor.pk:
        raise ValidationError(_("Another coordinator must review what you wrote yourself."))
    if getattr(item, "edited_by_id", None) == actor.pk:
        raise ValidationError(_("Another coordinator must review what you changed yourself."))
    ticked = set(checklist)
    if not set(CHECKLIST_KEYS) <= ticked:
        raise ValidationError({"checklist": _("Tick every item of the checklist to publish, or send it back.")})
    now = timezone.now()
    item.status, item.published_at, item.updated_at = Status.PUBLISHED, now, now
    item.reviewed_by, item.checklist = actor, [key for key in CHECKLIST_KEYS if key in ticked]
    save(item, actor)


def archive(item: Any, actor: User) -> None:
    require_admin(actor)
    require_status(item, Status.PUBLISHED, Status.DRAFT, Status.IN_REVIEW)
    item.status, item.updated_at = Status.ARCHIVED, timezone.now()
    save(item, actor)
