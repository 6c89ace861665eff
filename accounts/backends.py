"""Sign-in by username or email address."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from accounts.models import User


def find_user(login: str) -> User | None:
    """The active or inactive user a sign-in name points to: a username, or an email address."""
    login = (login or "").strip()
    if not login:
        return None
    if "@" in login:
        return User.objects.filter(email__iexact=login).first()
    return User.objects.filter(username=login).first()


class UsernameOrEmailBackend(ModelBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if username is None or password is None:
            return None
        user = find_user(username)
        if user is None:
            # Spend the same time as a real check so that timing does not reveal which names exist.
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None


def axes_username(request: HttpRequest, credentials: dict[str, Any] | None) -> str:
    """Lock out per account, whichever of its names was typed: map an email address to its username."""
    typed = ""
    if credentials:
        typed = credentials.get("username") or ""
    elif request is not None and hasattr(request, "POST"):
        typed = request.POST.get("username", "")
    user = find_user(typed)
    return user.username if user is not None else typed.strip().lower()[:150]
