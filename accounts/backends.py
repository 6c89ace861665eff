"""Sign-in by username or email address, and the signed-in user of each request in one query."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.apps import apps
from django.contrib.auth.backends import ModelBackend
from django.db.models import Exists, OuterRef, QuerySet
from django.http import HttpRequest

from accounts.models import User

# The second-factor device a session names (django_otp's persistent id, "app_label.model/pk"), while
# accounts.middleware.SignedInUserMiddleware loads that session's user: get_user then checks it in the same query.
_SESSION_DEVICE: ContextVar[str | None] = ContextVar("jejaring_session_device", default=None)
SESSION_DEVICE_OK = "jj_session_device_ok"  # annotation: the session's device exists, is the user's, is confirmed


@functools.cache
def device_classes() -> tuple[Any, ...]:
    """django_otp's device models (its ``device_classes()`` walks every installed model on each call, a dozen times
    a request): the installed models do not change once Django is set up."""
    from django_otp import device_classes as walk

    return tuple(walk())


def device_annotation(model: Any) -> str:
    """The annotation telling whether the user has a confirmed device of this kind."""
    return f"jj_has_{model._meta.app_label}_{model._meta.model_name}"


@contextmanager
def session_device(persistent_id: str | None) -> Iterator[None]:
    token = _SESSION_DEVICE.set(persistent_id)
    try:
        yield
    finally:
        _SESSION_DEVICE.reset(token)


def device_model(persistent_id: str) -> tuple[Any, int] | None:
    """The device model and primary key a persistent id names, or None for anything malformed or unknown."""
    label, _slash, pk = persistent_id.rpartition("/")
    if label.count(".") > 1:  # django_otp's legacy form: a full import path
        parts = label.split(".")
        label = f"{parts[-3]}.{parts[-1]}"
    try:
        model = apps.get_model(label)
        number = int(pk)
    except (LookupError, ValueError):
        return None
    return (model, number) if model in device_classes() else None


def signed_in_users(persistent_id: str | None = None) -> QuerySet[User]:
    """Users with their membership and organisation, whether they have a confirmed second-factor device of each
    kind, and (given a session's device) whether that device still exists, is theirs and is confirmed: what every
    request's middleware, navigation and pages ask of the user, in one statement."""
    users = _signed_in_base()
    named = device_model(persistent_id) if persistent_id else None
    if named is not None:
        model, pk = named
        users = users.annotate(
            **{SESSION_DEVICE_OK: Exists(model.objects.filter(pk=pk, user=OuterRef("pk"), confirmed=True))}
        )
    return users.all()


@functools.cache
def _signed_in_base() -> QuerySet[User]:
    """The users with membership, organisation and their kinds of device, built once per process (never evaluated:
    each request's query is a copy of it)."""
    annotations: dict[str, Any] = {
        device_annotation(model): Exists(model.objects.filter(user=OuterRef("pk"), confirmed=True))
        for model in device_classes()
    }
    return User.objects.select_related("membership__organisation").annotate(**annotations)


def find_user(login: str) -> User | None:
    """The active or inactive user a sign-in name points to: a username, or an email address."""
    login = (login or "").strip()
    if not login:
        return None
    if "@" in login:
        return User.objects.filter(email__iexact=login).first()
    return User.objects.filter(username=login).first()


class UsernameOrEmailBackend(ModelBackend):
    def get_user(self, user_id: Any) -> User | None:
        """The session's user, active, with what the shell needs (``signed_in_users``): one statement."""
        try:
            user = signed_in_users(_SESSION_DEVICE.get()).get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None

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
