"""Other apps add demo data to ``seed_demo`` through this registry (accounts never imports them)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_HOOKS: list[tuple[int, Callable[[Any], None]]] = []


def register(hook: Callable[[Any], None], order: int = 100) -> None:
    if all(existing is not hook for _order, existing in _HOOKS):
        _HOOKS.append((order, hook))
        _HOOKS.sort(key=lambda item: item[0])


def run_hooks(out: Any) -> None:
    for _order, hook in _HOOKS:
        hook(out)
