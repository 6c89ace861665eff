from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworkConfig(AppConfig):
    """What the network learns from itself without identifying anyone (aggregates under disclosure control)."""

    name = "network"
    verbose_name = _("Network")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from accounts.choices import Role
        from core import demo_hooks
        from core.navigation import NavItem, register
        from network import demo, notices

        everyone = (Role.CASEWORKER, Role.COORDINATOR, Role.ADMIN)
        register(NavItem(_("Network map"), "network:map", everyone, order=40))
        register(NavItem(_("Challenges"), "network:challenges", everyone, order=41))
        register(NavItem(_("Urgent needs"), "network:needs", everyone, order=42))
        register(NavItem(_("Capacity"), "network:capacity", everyone, order=43))
        register(NavItem(_("Network reports"), "network:reports", everyone, order=44))
        notices.register()

        from network import selectors as network_selectors
        from referrals import selectors as referral_selectors

        referral_selectors.register_capacity_lookup(network_selectors.capacity_for_suggestions)
        demo_hooks.register(demo.seed, order=60)

        from core import home
        from network.home import coordinator_home

        home.register(
            home.Panel(
                "network_coordinator",
                (Role.COORDINATOR,),
                "network/_coordinator_home.html",
                data=lambda request: coordinator_home(request.user),  # type: ignore[arg-type]
                order=20,
            )
        )
