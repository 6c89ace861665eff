"""Places where higher apps react to changes of accounts without accounts importing them.

Each app fills these from its ``AppConfig.ready()`` with ``register(hooks.<name>, function)``: casework (grants
follow the membership), notifications (security notices), audit (the access log).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest

from core.registry import Hooks

# Called inside the transaction that sets a user's membership (organisation, role, active):
# hook(user=..., actor=..., membership=..., by_admin=...); by_admin: the actor held the admin role before the change.
membership_changed = Hooks()
# Asked before a user's membership moves to another organisation or role: hook(user=..., organisation=..., role=...)
# returns the reasons it may not (none when it may).
membership_blockers = Hooks()
# Something happened to an account's security: hook(event=..., user=..., request=...).
security_event = Hooks()

PASSWORD_CHANGED = "password_changed"
TWO_FACTOR_CHANGED = "two_factor_changed"
SECOND_FACTOR_FAILED = "second_factor_failed"


def membership_change_blocked(*, user: Any, organisation: Any, role: str) -> list[str]:
    return membership_blockers.collect(user=user, organisation=organisation, role=role)


def security_event_happened(event: str, *, user: Any, request: HttpRequest | None = None) -> None:
    security_event.call(event=event, user=user, request=request)


def register(hooks: Hooks, hook: Callable[..., Any]) -> None:
    hooks.register(hook)
