"""Security notices to a user about their own account. Always emailed: they cannot be turned off."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts import notifications, reminders
from accounts.models import Reminder, User

PASSWORD_CHANGED = "accounts.password_changed"
TWO_FACTOR_CHANGED = "accounts.two_factor_changed"


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


def register() -> None:
    for kind in (PASSWORD_CHANGED, TWO_FACTOR_CHANGED):
        reminders.register(reminders.Rule(kind=kind, recipients=_the_user))
    notifications.register_target("account", lambda _pk: reverse("accounts:account"))
    notifications.register_kind(
        notifications.Kind(
            PASSWORD_CHANGED,
            _("Your password was changed"),
            lambda p: gettext("Your password was changed. If it was not you, tell your organisation's admin now."),
            security=True,
        )
    )
    notifications.register_kind(
        notifications.Kind(
            TWO_FACTOR_CHANGED,
            _("Your two-factor sign-in was changed"),
            lambda p: gettext(
                "Your two-factor sign-in was changed. If it was not you, tell your organisation's admin now."
            ),
            security=True,
        )
    )
