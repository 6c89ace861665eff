from django.apps import AppConfig
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _


def unread_badge(request: HttpRequest) -> int:
    from notifications.inbox import unread_count

    return unread_count(request.user)  # type: ignore[arg-type]


class NotificationsConfig(AppConfig):
    """The in-app inbox, email delivery, the reminder outbox and its dispatcher. Higher apps register their rules
    and kinds; accounts tells of security events through its hooks."""

    name = "notifications"
    verbose_name = _("Notifications")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from accounts import hooks
        from accounts.choices import Role
        from core.navigation import NavItem, register
        from notifications import security_notices

        register(NavItem(_("Notifications"), "notifications:list", tuple(Role.values), order=80, badge=unread_badge))
        security_notices.register()
        hooks.register(hooks.security_event, security_notices.on_security_event)
        hooks.register(hooks.membership_changed, security_notices.on_membership_changed)
        hooks.register(hooks.account_action, security_notices.on_account_action)
