"""Places where higher apps (referrals) react to casework without casework importing them.

Each app fills these lists from its ``AppConfig.ready()``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

# Called inside the transaction that withdraws a consent: hook(consent=..., actor=...).
consent_withdrawn: list[Callable[..., Any]] = []
# Called inside the transaction that closes a case: hook(case=..., actor=...).
case_closed: list[Callable[..., Any]] = []


def register(hooks: list[Callable[..., Any]], hook: Callable[..., Any]) -> None:
    if hook not in hooks:
        hooks.append(hook)
