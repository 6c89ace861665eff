"""Sign-in events for the access log. Django's auth views send these signals; the receivers only record them."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from accounts import hooks
from accounts.backends import find_user
from accounts.models import User
from audit import access_log
from audit.models import AccessLog


@receiver(user_logged_in)
def on_signed_in(sender: Any, request: HttpRequest, user: User, **kwargs: Any) -> None:
    access_log.record(AccessLog.Event.SIGNED_IN, actor=user, request=request)


@receiver(user_logged_out)
def on_signed_out(sender: Any, request: HttpRequest, user: User | None, **kwargs: Any) -> None:
    if user is not None:
        detail = getattr(request, "jj_logout_reason", "")
        access_log.record(AccessLog.Event.SIGNED_OUT, actor=user, request=request, detail=detail)


@receiver(user_login_failed)
def on_sign_in_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    # The typed name is not stored: people type passwords into the name field. A known account is linked instead.
    user = find_user(credentials.get("username") or "")
    access_log.record(
        AccessLog.Event.SIGN_IN_FAILED,
        actor=user,
        request=request,
        detail="" if user is not None else "unknown_account",
    )


def on_security_event(*, event: str, user: User, request: HttpRequest | None = None, **kwargs: Any) -> None:
    """A wrong second-factor code is a failed sign-in (accounts tells through ``hooks.security_event``)."""
    if event == hooks.SECOND_FACTOR_FAILED:
        access_log.record(AccessLog.Event.SIGN_IN_FAILED, actor=user, request=request, detail="second_factor")


def on_access_refused(*, user: User, request: HttpRequest | None = None, reason: str = "", **kwargs: Any) -> None:
    """accounts refused a signed-in user by role (``hooks.access_refused``): one ``access_denied`` entry."""
    access_log.record_refusal(reason, actor=user, request=request)


def on_account_action(
    *,
    action: str,
    user: User | None,
    actor: User | None,
    request: HttpRequest | None = None,
    detail: str = "",
    **kw: Any,
) -> None:
    """accounts' hook: an admin's action on an account (or a command's) is an access-log entry naming the admin; the
    account is named by its id, never by its name or address."""
    access_log.record(
        action,
        actor=actor,
        request=request,
        object_type="user" if user is not None else "",
        object_ref=str(user.pk) if user is not None else "",
        detail=detail,
    )
