"""The session's own clock: when a sign-in started and when it was last seen (see middleware.SessionLifetimeMiddleware).
The access log hears of sign-ins through the same Django signals (audit/signals.py)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import timezone

from accounts.models import User

SESSION_STARTED = "jj_started"
SESSION_SEEN = "jj_seen"


@receiver(user_logged_in)
def on_signed_in(sender: Any, request: HttpRequest, user: User, **kwargs: Any) -> None:
    now = timezone.now().timestamp()
    request.session[SESSION_STARTED] = now
    request.session[SESSION_SEEN] = now
