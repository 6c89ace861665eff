"""The home page is what each app puts on it for the user's role: apps register panels from ``AppConfig.ready()``
(casework: the caseworker's day; network: what coordinators must act on), so the home view imports none of them.

A panel names a template (rendered with ``data``, what its ``data`` function returns for the request) and the
roles that see it. core knows no roles: they are plain strings here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest

from core.registry import Registry


@dataclass(frozen=True)
class Panel:
    key: str
    roles: tuple[str, ...]
    template: str
    data: Callable[[HttpRequest], dict[str, Any]] | None = None
    order: int = 100


_PANELS: Registry[Panel] = Registry(key=lambda panel: panel.key, order=lambda panel: panel.order)


def register(panel: Panel) -> None:
    _PANELS.register(panel)


def panels_for(request: HttpRequest, role: str | None) -> list[dict[str, Any]]:
    """The panels the role sees, in order, each with its data for this request."""
    return [
        {"key": panel.key, "template": panel.template, "data": panel.data(request) if panel.data else {}}
        for panel in _PANELS
        if role in panel.roles
    ]
