from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts and organisations")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from accounts import signals  # noqa: F401
        from accounts.choices import Role
        from core.navigation import NavItem, register

        register(NavItem(_("Home"), "home", tuple(Role.values), order=0))
        register(NavItem(_("Organisations and accounts"), "admin:index", (Role.ADMIN,), order=90))
