"""What every page's shell needs: the navigation for the user's role and the language switcher."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from core.navigation import navigation_for


def shell(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    signed_in = bool(user is not None and user.is_authenticated)
    return {
        "nav_items": navigation_for(request) if signed_in else [],
        "languages": settings.LANGUAGES,
        "demo_mode": settings.DEMO_MODE,
    }
