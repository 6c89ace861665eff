from __future__ import annotations

from typing import Any

from django import template

from network.home import coordinator_home

register = template.Library()


@register.inclusion_tag("network/_coordinator_home.html", takes_context=True)
def network_coordinator_home(context: dict[str, Any]) -> dict[str, Any]:
    request = context["request"]
    return {"request": request, "user": request.user, **coordinator_home(request.user)}
