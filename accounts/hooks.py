"""Places where higher apps (casework) react to changes of accounts without accounts importing them.

Each app fills these lists from its ``AppConfig.ready()``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

# Called inside the transaction that sets a user's membership (organisation, role, active): hook(user=..., actor=...).
membership_changed: list[Callable[..., Any]] = []


def register(hooks: list[Callable[..., Any]], hook: Callable[..., Any]) -> None:
    if hook not in hooks:
        hooks.append(hook)
