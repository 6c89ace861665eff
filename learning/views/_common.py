"""What the learning pages share: who may reach them (by role; objects by the selectors), and how a service's
refusal is shown."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect

from accounts.choices import Role
from accounts.http import AuthedRequest
from accounts.permissions import role_required
from core.forms import attach_errors

member_required = role_required(Role.CASEWORKER, Role.COORDINATOR, Role.ADMIN)
author_required = role_required(Role.CASEWORKER, Role.COORDINATOR)
coordinator_required = role_required(Role.COORDINATOR)
admin_required = role_required(Role.ADMIN)

attach = attach_errors


def act(request: AuthedRequest, action: Callable[[], Any], done: str, to: str, **kwargs: Any) -> HttpResponse:
    """Run a one-button service; a refusal (ValidationError) is a message, never a 500."""
    try:
        action()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
    return redirect(to, **kwargs)


def cursor_of(request: AuthedRequest) -> str:
    return request.GET.get("after", "")[:80]
