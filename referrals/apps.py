from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    name = "referrals"
    verbose_name = _("Referrals")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from accounts.choices import Role
        from accounts.navigation import NavItem, register
        from casework import hooks
        from referrals import notices, services

        register(NavItem(_("Referrals"), "referrals:inbox", (Role.CASEWORKER,), order=20))
        register(NavItem(_("Referral queue"), "referrals:queue", (Role.COORDINATOR,), order=20))
        hooks.register(hooks.consent_withdrawn, services.on_consent_withdrawn)
        if not any(url == "referrals:case_referrals" for _label, url, _key, _allowed in hooks.case_tabs):
            hooks.case_tabs.append(
                (_("Referrals"), "referrals:case_referrals", "referrals", lambda access: access.can_change)
            )
            hooks.case_actions.append(
                (_("Refer"), "referrals:referral_create", lambda case: case.access.can_change and not case.is_closed)
            )
        notices.register()

        from accounts import demo_hooks
        from referrals import demo

        demo_hooks.register(demo.seed, order=25)

        from accounts import history_registry
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
