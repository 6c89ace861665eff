"""What an admin may do to another person's account, instead of ever setting its password (issue 16, finding 1):
send a reset link to the account's own address, reset its second factor (the person enrols again at next sign-in),
or deactivate it. Every action, and every change of an account's email, is told through ``hooks.account_action``:
audit writes an access-log entry naming the admin, notifications a security notice to the person and to the other
admins. Nobody, a superuser included, learns or chooses another person's password.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from accounts import hooks, services, two_factor
from accounts.forms import LocalisedPasswordResetForm
from accounts.models import User


def _tell(action: str, *, user: User, actor: User | None, request: HttpRequest | None = None) -> None:
    hooks.account_action_happened(action, user=user, actor=actor, request=request)


def send_reset_email(user: User) -> None:
    """The password-reset email of the public reset page, to the account's own address only."""
    context = {
        "email": user.email,
        "user": user,
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user),
        "site_url": settings.SITE_URL,
        "protocol": "https",
        "domain": settings.SITE_URL.split("://", 1)[-1],
    }
    LocalisedPasswordResetForm().send_mail(
        "emails/password_reset_subject.txt",
        "emails/password_reset_body.txt",
        context,
        settings.DEFAULT_FROM_EMAIL,
        user.email,
        html_email_template_name="emails/password_reset_body.html",
    )


@transaction.atomic
def account_reset_link_send(*, actor: User, user: User, request: HttpRequest | None = None) -> None:
    """Send a reset (or, for a new account, a first) password link to the account's own email address."""
    if not user.email:
        raise ValidationError(_("This account has no email address: add the person's own address first."))
    if not user.is_active:
        raise ValidationError(_("This account is deactivated."))
    transaction.on_commit(lambda: send_reset_email(user))
    _tell(hooks.RESET_LINK_SENT, user=user, actor=actor, request=request)


@transaction.atomic
def account_two_factor_reset(*, actor: User, user: User, request: HttpRequest | None = None) -> None:
    """Remove the account's authenticator and recovery codes: at its next sign-in the person enrols again (roles that
    require two-factor sign-in reach nothing until then)."""
    two_factor.disable(user)
    _tell(hooks.TWO_FACTOR_RESET, user=user, actor=actor, request=request)


@transaction.atomic
def account_deactivate(*, actor: User, user: User, request: HttpRequest | None = None) -> None:
    if user.pk == actor.pk:
        raise ValidationError(_("You cannot deactivate your own account."))
    if not user.is_active:
        return
    services.user_set_active(actor=actor, user=user, is_active=False, reason="deactivated by an admin")
    _tell(hooks.ACCOUNT_DEACTIVATED, user=user, actor=actor, request=request)


def account_email_changed(*, actor: User | None, user: User, request: HttpRequest | None = None) -> None:
    """An account's email changed (reset links go there): told like the other actions."""
    _tell(hooks.EMAIL_CHANGED, user=user, actor=actor, request=request)


def account_changed_by_command(*, command: str, user: User | None = None, detail: str = "") -> None:
    """A ``manage.py`` command created or changed accounts: the access log says which command and what."""
    hooks.account_action_happened(
        hooks.ACCOUNT_COMMAND,
        user=user,
        actor=services.system_user(),
        request=None,
        detail=f"{command} {detail}".strip(),
    )
