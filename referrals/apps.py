from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    name = "referrals"
    verbose_name = _("Referrals")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from accounts.choices import Role
        from casework import hooks, tabs
        from core.navigation import NavItem, register
        from referrals import reminders as referral_reminders
        from referrals import services

        register(NavItem(_("Referrals"), "referrals:inbox", (Role.CASEWORKER,), order=20))
        register(NavItem(_("Referral queue"), "referrals:queue", (Role.COORDINATOR,), order=20))
        hooks.register(hooks.consent_withdrawn, services.on_consent_withdrawn)
        tabs.register_tab(tabs.Tab("referrals", _("Referrals"), "referrals:case_referrals", ("change",), order=80))
        tabs.register_action(tabs.Action(_("Refer"), "referrals:referral_create", "change", open_cases_only=True))
        referral_reminders.register()

        from referrals import home as referral_home
        from referrals import rights

        hooks.register(hooks.case_erased, rights.on_case_erased)
        hooks.register(hooks.case_export_parts, rights.export_part)
        referral_home.register()

        from core import demo_hooks
        from referrals import demo

        demo_hooks.register(demo.seed, order=25)

        from audit import history_registry
        from referrals.models import Referral, ReferralEvent

        history_registry.register(
            history_registry.Audited(
                "referral",
                Referral,
                _("Referral"),
                history_registry.by_field("reference"),
                lambda qs, ref: qs.filter(reference__iexact=ref),
            )
        )
        history_registry.register(
            history_registry.Audited(
                "referral_event",
                ReferralEvent,
                _("Referral timeline"),
                history_registry.by_lookup(Referral, "referral_id", "reference"),
                lambda qs, ref: qs.filter(referral_id__in=Referral.objects.filter(reference__iexact=ref).values("pk")),
            )
        )
