"""Other apps add demo data to ``seed_demo`` through this registry (accounts never imports them)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from core.registry import Registry

_HOOKS: Registry[tuple[int, Callable[[Any], None]]] = Registry(key=lambda entry: entry[1], order=lambda e: e[0])


def register(hook: Callable[[Any], None], order: int = 100) -> None:
    _HOOKS.register((order, hook))


def run_hooks(out: Any) -> None:
    for _order, hook in _HOOKS:
        hook(out)
