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
        register(NavItem(_("Access log"), "accounts:audit_log", (Role.ADMIN,), order=10))
        register(NavItem(_("Flags"), "accounts:audit_flags", (Role.ADMIN,), order=11, badge=open_flags_badge))
        register(NavItem(_("Change history"), "accounts:audit_changes", (Role.ADMIN,), order=12))

        from accounts import history_registry
        from accounts.models import Membership, Organisation, User

        history_registry.register(
            history_registry.Audited(
                "organisation",
                Organisation,
                _("Organisation"),
                history_registry.by_field("code"),
                lambda qs, ref: qs.filter(code__iexact=ref),
            )
        )
        history_registry.register(
            history_registry.Audited(
                "user",
                User,
                _("User"),
                history_registry.by_field("username"),
                lambda qs, ref: qs.filter(username__iexact=ref),
            )
        )
        history_registry.register(
            history_registry.Audited(
                "membership",
                Membership,
                _("Membership"),
                history_registry.by_lookup(User, "user_id", "username"),
                lambda qs, ref: qs.filter(user__username__iexact=ref),
            )
        )

        from accounts import audit_flags, security_notices

        security_notices.register()
        audit_flags.register()
