"""The navigation bar depends on the role. Higher apps add their entries from their ``AppConfig.ready()``, so
accounts never imports casework or referrals."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest

from core.registry import Registry
from core.templatetags.fast_url import fast_url


@dataclass(frozen=True)
class NavItem:
    label: Any  # a lazily translated string
    url_name: str
    roles: tuple[str, ...]
    order: int = 100
    badge: Callable[[HttpRequest], int] | None = None


_ITEMS: Registry[NavItem] = Registry(key=lambda item: item.url_name, order=lambda item: item.order)


def register(item: NavItem) -> None:
    _ITEMS.register(item)


def navigation_for(request: HttpRequest) -> list[dict[str, object]]:
    user: Any = request.user  # a signed-in user (accounts.User): core names no model of the domain
    role = user.role
    if not user.is_verified() and user.two_factor_required:
        return []
    current = request.resolver_match.view_name if request.resolver_match else ""
    items = []
    for item in _ITEMS:
        if role in item.roles:
            items.append(
                {
                    "label": item.label,
                    "url": fast_url(item.url_name),
                    "active": current == item.url_name,
                    "badge": item.badge(request) if item.badge else 0,
                }
            )
    return items
