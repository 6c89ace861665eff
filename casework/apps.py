from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CaseworkConfig(AppConfig):
    name = "casework"
    verbose_name = _("Casework")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from accounts.choices import Role
        from accounts.navigation import NavItem, register

        register(NavItem(_("Cases"), "casework:case_list", (Role.CASEWORKER,), order=10))
        register(NavItem(_("New case"), "casework:case_create", (Role.CASEWORKER,), order=11))

        from accounts import demo_hooks
        from casework import demo, reminders

        reminders.register()
        demo_hooks.register(demo.seed, order=20)
        demo_hooks.register(demo.schedule_demo_reminders, order=30)
