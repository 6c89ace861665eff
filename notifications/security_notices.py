"""Security notices. To a user about their own account; to the other admins when an admin changes a membership
(memberships decide who can open which cases). Always emailed: they cannot be turned off."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts import hooks
from accounts.choices import Role
from accounts.models import Membership, User
from notifications import inbox, reminders
from notifications.models import Reminder

PASSWORD_CHANGED = "accounts.password_changed"
TWO_FACTOR_CHANGED = "accounts.two_factor_changed"
MEMBERSHIP_CHANGED = "accounts.membership_changed"
ACCOUNT_ACTION = "accounts.account_action"
# What an admin did to an account (accounts.hooks actions), as the notice says it.
ACTION_TEXT = {
    hooks.RESET_LINK_SENT: _("sent a password reset link to the account's own address"),
    hooks.TWO_FACTOR_RESET: _("reset the account's two-factor sign-in (it must be set up again at the next sign-in)"),
    hooks.ACCOUNT_DEACTIVATED: _("deactivated the account"),
    hooks.EMAIL_CHANGED: _("changed the account's email address"),
}


def _the_user(batch: list[Reminder]) -> dict[int, list[User]]:
    users = User.objects.in_bulk([r.params["user_id"] for r in batch])
    return {r.pk: [users[r.params["user_id"]]] for r in batch if r.params["user_id"] in users}


def notify(kind: str, user: User) -> None:
    now = timezone.now()
    reminders.notify_now(
        kind=kind,
        dedupe_key=f"{user.pk}:{now.isoformat()}",
        object_type="account",
        params={"user_id": user.pk},
    )


def _other_admins(batch: list[Reminder]) -> dict[int, list[User]]:
    admins = list(User.objects.filter(is_active=True, membership__role=Role.ADMIN, membership__is_active=True))
    return {r.pk: [admin for admin in admins if admin.pk != r.params["actor_id"]] for r in batch}


def membership_changed(membership: Membership, actor: User) -> None:
    """An admin gave someone an organisation and a role: the other admins hear of it, so that nobody (an admin
    included) gains a caseworker's access to an organisation's cases unseen. (``services.membership_set`` calls this
    for admins only; commands and seeds act as the system user, which is no admin.)"""
    reminders.notify_now(
        kind=MEMBERSHIP_CHANGED,
        dedupe_key=f"{membership.pk}:{timezone.now().isoformat()}",
        object_type="change_history",
        params={"actor_id": actor.pk, "role": membership.role, "organisation": membership.organisation.code},
    )


def on_membership_changed(
    *, user: User, actor: User | None, membership: Membership, by_admin: bool = False, **kwargs: object
) -> None:
    """accounts' hook: only a change made by an admin is told (commands and seeds act as the system user)."""
    if by_admin and actor is not None:
        membership_changed(membership, actor)


def on_security_event(*, event: str, user: User, **kwargs: object) -> None:
    """accounts' hook: a changed password or second factor is told to the account's owner."""
    kind = {hooks.PASSWORD_CHANGED: PASSWORD_CHANGED, hooks.TWO_FACTOR_CHANGED: TWO_FACTOR_CHANGED}.get(event)
    if kind is not None:
        notify(kind, user)


def _the_user_and_other_admins(batch: list[Reminder]) -> dict[int, list[User]]:
    admins = list(User.objects.filter(is_active=True, membership__role=Role.ADMIN, membership__is_active=True))
    users = User.objects.in_bulk([r.params["user_id"] for r in batch])
    found = {}
    for r in batch:
        people = [admin for admin in admins if admin.pk not in (r.params.get("actor_id"), r.params["user_id"])]
        if r.params["user_id"] in users:
            people.insert(0, users[r.params["user_id"]])  # told even when deactivated: it is their account
        found[r.pk] = people
    return found


def on_account_action(*, action: str, user: User | None, actor: User | None, **kwargs: object) -> None:
    """accounts' hook: an admin's action on an account (or a change of its email) is a security notice to the
    account's owner and to the other admins, naming the admin. Commands are only logged."""
    if action not in ACTION_TEXT or user is None:
        return
    reminders.notify_now(
        kind=ACCOUNT_ACTION,
        dedupe_key=f"{user.pk}:{action}:{timezone.now().isoformat()}",
        object_type="account",
        params={
            "user_id": user.pk,
            "actor_id": actor.pk if actor is not None else None,
            "action": action,
            "username": user.username,
            "admin": actor.username if actor is not None else "",
        },
    )


def _account_action_message(params: dict[str, str]) -> str:
    text = ACTION_TEXT.get(params.get("action", ""), "")
    return gettext(
        "The admin %(admin)s %(action)s for the account %(username)s. If this was not intended, tell the other "
        "admins now."
    ) % {"admin": params.get("admin") or "?", "action": text, "username": params.get("username")}


def _membership_message(params: dict[str, str]) -> str:
    role = Role(params["role"]).label if params.get("role") in Role.values else params.get("role")
    return gettext(
        "An admin changed a membership: %(role)s at %(organisation)s. Memberships decide who can open which "
        "cases; check in the change history that it was intended."
    ) % {"role": role, "organisation": params.get("organisation")}


def register() -> None:
    for kind in (PASSWORD_CHANGED, TWO_FACTOR_CHANGED):
        reminders.register(reminders.Rule(kind=kind, recipients=_the_user))
    reminders.register(reminders.Rule(kind=MEMBERSHIP_CHANGED, recipients=_other_admins))
    reminders.register(reminders.Rule(kind=ACCOUNT_ACTION, recipients=_the_user_and_other_admins))
    inbox.register_kind(
        inbox.Kind(ACCOUNT_ACTION, _("An admin acted on an account"), _account_action_message, security=True)
    )
    inbox.register_target("account", lambda _pk: reverse("accounts:account"))
    inbox.register_target("change_history", lambda _pk: reverse("audit:changes"))
    inbox.register_kind(
        inbox.Kind(MEMBERSHIP_CHANGED, _("A membership was changed"), _membership_message, security=True)
    )
    inbox.register_kind(
        inbox.Kind(
            PASSWORD_CHANGED,
            _("Your password was changed"),
            lambda p: gettext("Your password was changed. If it was not you, tell your organisation's admin now."),
            security=True,
        )
    )
    inbox.register_kind(
        inbox.Kind(
            TWO_FACTOR_CHANGED,
            _("Your two-factor sign-in was changed"),
            lambda p: gettext(
                "Your two-factor sign-in was changed. If it was not you, tell your organisation's admin now."
            ),
            security=True,
        )
    )
