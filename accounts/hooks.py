"""Places where higher apps react to changes of accounts without accounts importing them.

Each app fills these lists from its ``AppConfig.ready()`` with ``core.registry.subscribe``: casework (grants follow the
membership), notifications (security notices), audit (the access log).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest

# Called inside the transaction that sets a user's membership (organisation, role, active):
# hook(user=..., actor=..., membership=..., by_admin=...); by_admin: the actor held the admin role before the change.
membership_changed: list[Callable[..., Any]] = []
# Asked before a user's membership moves to another organisation or role: hook(user=..., organisation=..., role=...)
# returns the reasons it may not (none when it may).
membership_blockers: list[Callable[..., list[str]]] = []
# A signed-in user was refused by role (403): hook(user=..., request=..., reason=...). Audit logs it.
access_refused: list[Callable[..., Any]] = []
# Something happened to an account's security: hook(event=..., user=..., request=...).
security_event: list[Callable[..., Any]] = []

# An admin acted on another person's account, its email changed, or a command changed accounts:
# hook(action=..., user=..., actor=..., request=..., detail=...). Audit logs it, notifications tell the person and
# the other admins. The actions are access-log event codes.
account_action: list[Callable[..., Any]] = []
RESET_LINK_SENT = "password_reset_sent"
TWO_FACTOR_RESET = "two_factor_reset"
ACCOUNT_DEACTIVATED = "account_deactivated"
EMAIL_CHANGED = "email_changed"
ACCOUNT_COMMAND = "account_command"

PASSWORD_CHANGED = "password_changed"
TWO_FACTOR_CHANGED = "two_factor_changed"
SECOND_FACTOR_FAILED = "second_factor_failed"


def membership_change_blocked(*, user: Any, organisation: Any, role: str) -> list[str]:
    return [reason for hook in membership_blockers for reason in hook(user=user, organisation=organisation, role=role)]


def security_event_happened(event: str, *, user: Any, request: HttpRequest | None = None) -> None:
    for hook in security_event:
        hook(event=event, user=user, request=request)


def access_was_refused(*, user: Any, request: HttpRequest | None, reason: str) -> None:
    for hook in access_refused:
        hook(user=user, request=request, reason=reason)


def account_action_happened(
    action: str, *, user: Any, actor: Any, request: HttpRequest | None = None, detail: str = ""
) -> None:
    for hook in account_action:
        hook(action=action, user=user, actor=actor, request=request, detail=detail)


def register(hooks: list[Callable[..., Any]], hook: Callable[..., Any]) -> None:
    if hook not in hooks:
        hooks.append(hook)
