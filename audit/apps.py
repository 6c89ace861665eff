from django.apps import AppConfig
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _


def open_flags_badge(request: HttpRequest) -> int:
    from audit import selectors

    return selectors.open_flag_count()


class AuditConfig(AppConfig):
    """The access log (hash chain, database guards, verification), flags, and the admins' audit and change-history
    screens. It listens to accounts (sign-ins, security events) instead of accounts calling it."""

    name = "audit"
    verbose_name = _("Audit")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from accounts import hooks
        from accounts.choices import Role
        from accounts.models import Membership, Organisation, User
        from audit import flags, history_registry
        from audit import signals as audit_signals
        from core.navigation import NavItem, register

        register(NavItem(_("Access log"), "audit:log", (Role.ADMIN,), order=10))
        register(NavItem(_("Flags"), "audit:flags", (Role.ADMIN,), order=11, badge=open_flags_badge))
        register(NavItem(_("Change history"), "audit:changes", (Role.ADMIN,), order=12))
        register(NavItem(_("Breaches"), "audit:breaches", (Role.ADMIN,), order=13))
        from audit import breaches

        breaches.register()
        hooks.register(hooks.security_event, audit_signals.on_security_event)
        hooks.register(hooks.access_refused, audit_signals.on_access_refused)
        hooks.register(hooks.account_action, audit_signals.on_account_action)

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
        flags.register()
