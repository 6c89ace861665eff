from django.apps import AppConfig
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _


def open_flags_badge(request: HttpRequest) -> int:
    from accounts.models import AuditFlag

    return AuditFlag.objects.filter(reviewed_at__isnull=True).count()


def unread_badge(request: HttpRequest) -> int:
    from accounts.notifications import unread_count

    return unread_count(request.user)  # type: ignore[arg-type]


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts and organisations")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from accounts import signals  # noqa: F401
        from accounts.choices import Role
        from accounts.navigation import NavItem, register

        register(NavItem(_("Home"), "home", tuple(Role.values), order=0))
        register(NavItem(_("Organisations and accounts"), "admin:index", (Role.ADMIN,), order=90))
        register(
            NavItem(_("Notifications"), "accounts:notifications", tuple(Role.values), order=80, badge=unread_badge)
        )

        from accounts import audit_flags, security_notices

        security_notices.register()
        audit_flags.register()
