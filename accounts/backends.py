"""Sign-in by username or email address, and the signed-in user of each request in one query."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.apps import apps
from django.contrib.auth.backends import ModelBackend
from django.db import connection
from django.http import HttpRequest

from accounts.models import Membership, Organisation, User
from core import sql

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


@functools.cache
def _statement(vendor: str, session_device: Any) -> tuple[str, list[str]]:
    """The signed-in user's statement (for a session naming a device of the model ``session_device``, or none):
    the user's, membership's and organisation's columns (core.sql.columns), then the annotations, whose names
    come second. Written out once per process: building the ORM's select_related with its EXISTS annotations cost
    more than running the statement."""

    quote = connection.ops.quote_name
    columns = [*sql.columns(User, "u"), *sql.columns(Membership, "m"), *sql.columns(Organisation, "o")]
    names, exists = [], []
    for device in device_classes():
        names.append(device_annotation(device))
        device_table = quote(device._meta.db_table)
        exists.append(f"EXISTS(SELECT 1 FROM {device_table} d WHERE d.confirmed AND d.user_id = u.id)")  # noqa: S608
    if session_device is not None:
        names.append(SESSION_DEVICE_OK)
        exists.append(
            f"EXISTS(SELECT 1 FROM {quote(session_device._meta.db_table)} d"  # noqa: S608 (model names only)
            " WHERE d.confirmed AND d.id = %s AND d.user_id = u.id)"
        )
    statement = (
        f"SELECT {', '.join(columns + exists)} FROM {quote(User._meta.db_table)} u"  # noqa: S608 (model names only)
        f" LEFT OUTER JOIN {quote(Membership._meta.db_table)} m ON m.user_id = u.id"
        f" LEFT OUTER JOIN {quote(Organisation._meta.db_table)} o ON o.id = m.organisation_id WHERE u.id = %s"
    )
    return statement, names


def signed_in_user(user_id: Any, persistent_id: str | None = None) -> User | None:
    """The user with their membership and organisation, whether they have a confirmed second-factor device of each
    kind, and (given a session's device) whether that device still exists, is theirs and is confirmed: what every
    request's middleware, navigation and pages ask of the user, in one statement written out. None when there is
    no such user. As ``User.objects.select_related("membership__organisation")`` with those EXISTS annotated gives
    it (tests/accounts/test_signed_in_user.py compares them)."""

    named = device_model(persistent_id) if persistent_id else None
    statement, names = _statement(connection.vendor, named[0] if named else None)
    try:
        params = [*([named[1]] if named else []), int(user_id)]
    except (TypeError, ValueError):
        return None
    found = sql.rows(statement, params)
    if not found:
        return None
    row, models = found[0], (User, Membership, Organisation)
    user: Any
    user, membership, organisation = sql.instances(row, models)
    for name, flag in zip(names, row[sql.width(models) :], strict=True):
        setattr(user, name, bool(flag))
    if membership is not None:
        Membership.organisation.field.set_cached_value(membership, organisation)
        Membership.user.field.set_cached_value(membership, user)
    User.membership.related.set_cached_value(user, membership)
    return user


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
        """The session's user, active, with what the shell needs (``signed_in_user``): one statement."""
        user = signed_in_user(user_id, _SESSION_DEVICE.get())
        return user if user is not None and self.user_can_authenticate(user) else None

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
