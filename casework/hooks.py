"""Places where higher apps (referrals, learning) react to casework without casework importing them.

Each app fills these from its ``AppConfig.ready()`` with ``register(hooks.<name>, function)``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from core.registry import Hooks

# Called inside the transaction that withdraws a consent: hook(consent=..., actor=...).
consent_withdrawn = Hooks()
# Called inside the transaction that closes a case: hook(case=..., actor=...).
case_closed = Hooks()
# Called inside the transaction that erases a case, before its key is destroyed: hook(case=..., actor=...).
case_erased = Hooks()
# What other apps hold about a case, for the subject access export: hook(case=...) -> (key, list of dicts).
case_export_parts = Hooks()


def register(hooks: Hooks, hook: Callable[..., Any]) -> None:
    hooks.register(hook)
