"""Places where higher apps (casework) react to changes of accounts without accounts importing them.

Each app fills these lists from its ``AppConfig.ready()``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

# Called inside the transaction that sets a user's membership (organisation, role, active): hook(user=..., actor=...).
membership_changed: list[Callable[..., Any]] = []
# Asked before a user's membership moves to another organisation or role: hook(user=..., organisation=..., role=...)
# returns the reasons it may not (none when it may).
membership_blockers: list[Callable[..., list[str]]] = []


def membership_change_blocked(*, user: Any, organisation: Any, role: str) -> list[str]:
    return [reason for hook in membership_blockers for reason in hook(user=user, organisation=organisation, role=role)]


def register(hooks: list[Callable[..., Any]], hook: Callable[..., Any]) -> None:
    if hook not in hooks:
        hooks.append(hook)
