"""In-app notifications: kinds, rendering in the reader's language, links, unread counts.

Apps register their kinds (and how to link to their objects) from ``AppConfig.ready()``; accounts never imports
them. A notification stores only a kind, a reference and non-personal parameters, so that what it says can be
rendered in whichever language its reader uses, and so that it holds nothing worth stealing.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import User
from core import counts
from notifications.models import Notification, NotificationPreference


@dataclass(frozen=True)
class Kind:
    code: str
    label: Any  # lazily translated: shown on the preferences page
    message: Callable[[dict[str, Any]], str]  # params (with "reference") -> text in the active language
    security: bool = False  # security notices are always emailed

    @property
    def slug(self) -> str:
        return self.code.replace(".", "_")


_KINDS: dict[str, Kind] = {}
_TARGETS: dict[str, Callable[[uuid.UUID | None], str]] = {}


def register_kind(kind: Kind) -> None:
    _KINDS[kind.code] = kind


def register_target(object_type: str, url_for: Callable[[Any], str]) -> None:
    _TARGETS[object_type] = url_for


def kinds() -> list[Kind]:
    return sorted(_KINDS.values(), key=lambda kind: kind.code)


def security_kinds() -> set[str]:
    return {code for code, kind in _KINDS.items() if kind.security}


def get_kind(code: str) -> Kind:
    return _KINDS[code]


def render(notification: Notification) -> str:
    kind = _KINDS.get(notification.kind)
    params = {**notification.params, "reference": notification.object_ref}
    return kind.message(params) if kind else notification.object_ref


def target_url(notification: Notification) -> str:
    url_for = _TARGETS.get(notification.object_type)
    return url_for(notification.object_id) if url_for else ""


def email_wanted(user: User, code: str) -> bool:
    if not user.email or not user.is_active:
        return False
    kind = _KINDS.get(code)
    if kind is not None and kind.security:
        return True
    return not NotificationPreference.objects.filter(user=user, kind=code, email=False).exists()


def email_opt_outs(users: Iterable[User]) -> set[tuple[int, str]]:
    """(user id, kind) pairs of users who turned email off, in one query."""
    return set(NotificationPreference.objects.filter(user__in=list(users), email=False).values_list("user_id", "kind"))


def email_turned_off(user: User) -> set[str]:
    """The kinds for which the user turned email off."""
    return set(NotificationPreference.objects.filter(user=user, email=False).values_list("kind", flat=True))


def set_email_preferences(*, actor: User, enabled: set[str]) -> None:
    for kind in kinds():
        if kind.security:
            continue
        NotificationPreference.objects.update_or_create(
            user=actor, kind=kind.code, defaults={"email": kind.code in enabled}
        )


def for_user(user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user)


def _unread_key(user_id: int) -> str:
    return f"notifications:unread:{user_id}"


def unread_count(user: User) -> int:
    """The navigation's badge, on every page: from the cache, forgotten whenever the user's notifications change
    (``forget_unread``)."""
    return counts.cached_count(
        _unread_key(user.pk), lambda: Notification.objects.filter(recipient=user, read_at__isnull=True).count()
    )


def forget_unread(user_ids: Iterable[int]) -> None:
    """Call after creating or marking read notifications of these users."""
    counts.forget(_unread_key(pk) for pk in set(user_ids))


def mark_read(*, actor: User, notification_ids: Iterable[int] | None = None) -> int:
    """Mark the actor's notifications read: the given ones, or all."""
    unread = Notification.objects.filter(recipient=actor, read_at__isnull=True)
    if notification_ids is not None:
        unread = unread.filter(pk__in=list(notification_ids))
    marked = unread.update(read_at=timezone.now())
    if marked:
        forget_unread([actor.pk])
    return marked


def mark_read_about(*, object_id: uuid.UUID, kinds: Iterable[str]) -> int:
    """Mark everyone's unread notifications of these kinds about an object read (the reason went away)."""
    unread = Notification.objects.filter(object_id=object_id, kind__in=list(kinds), read_at__isnull=True)
    readers = set(unread.values_list("recipient_id", flat=True))
    marked = unread.update(read_at=timezone.now())  # even with no readers: the same statements whatever the data
    forget_unread(readers)
    return marked
