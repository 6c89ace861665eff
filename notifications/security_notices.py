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
