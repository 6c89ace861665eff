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
# A signed-in user was refused by role (403): hook(user=..., request=..., reason=...). Audit logs it.
access_refused = Hooks()
# Something happened to an account's security: hook(event=..., user=..., request=...).
security_event = Hooks()

# An admin acted on another person's account, its email changed, or a command changed accounts:
# hook(action=..., user=..., actor=..., request=..., detail=...). Audit logs it, notifications tell the person and
# the other admins. The actions are access-log event codes.
account_action = Hooks()
RESET_LINK_SENT = "password_reset_sent"
TWO_FACTOR_RESET = "two_factor_reset"
ACCOUNT_DEACTIVATED = "account_deactivated"
EMAIL_CHANGED = "email_changed"
ACCOUNT_COMMAND = "account_command"

PASSWORD_CHANGED = "password_changed"
TWO_FACTOR_CHANGED = "two_factor_changed"
SECOND_FACTOR_FAILED = "second_factor_failed"


def membership_change_blocked(*, user: Any, organisation: Any, role: str) -> list[str]:
    return membership_blockers.collect(user=user, organisation=organisation, role=role)


def security_event_happened(event: str, *, user: Any, request: HttpRequest | None = None) -> None:
    security_event.call(event=event, user=user, request=request)


def access_was_refused(*, user: Any, request: HttpRequest | None, reason: str) -> None:
    access_refused.call(user=user, request=request, reason=reason)


def account_action_happened(
    action: str, *, user: Any, actor: Any, request: HttpRequest | None = None, detail: str = ""
) -> None:
    account_action.call(action=action, user=user, actor=actor, request=request, detail=detail)


def register(hooks: Hooks, hook: Callable[..., Any]) -> None:
    hooks.register(hook)
