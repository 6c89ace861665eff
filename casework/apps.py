from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CaseworkConfig(AppConfig):
    name = "casework"
    verbose_name = _("Casework")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from accounts.choices import Role
        from core.navigation import NavItem, register

        register(NavItem(_("Cases"), "casework:case_list", (Role.CASEWORKER,), order=10))
        register(NavItem(_("New case"), "casework:case_create", (Role.CASEWORKER,), order=11))

        from casework import demo, reminders, tabs
        from core import demo_hooks

        for tab in [
            tabs.Tab("summary", _("Summary"), "casework:case_detail", ("view",), order=0),
            tabs.Tab("identity", _("Identity"), "casework:case_identity", ("view_identity", "view_contact"), order=10),
            tabs.Tab("notes", _("Notes"), "casework:case_notes", ("view_notes",), order=20),
            tabs.Tab("services", _("Services"), "casework:case_services", ("view",), order=30),
            tabs.Tab("consents", _("Consent"), "casework:case_consents", ("change",), order=40),
            tabs.Tab("history", _("History"), "casework:case_history", ("view",), order=50),
            tabs.Tab("access", _("Who has access"), "casework:case_access", ("change",), order=60),
        ]:
            tabs.register_tab(tab)
        reminders.register()

        from casework import tabs
        from casework.models import ATTACHMENT_SECTIONS

        tabs.register_tab(
            tabs.Tab(
                "attachments",
                _("Attachments"),
                "casework:case_attachments",
                tuple(f"view_{section.value}" for section in ATTACHMENT_SECTIONS),
                order=45,
            )
        )
        tabs.register_tab(tabs.Tab("rights", _("Person's rights"), "casework:case_rights", ("change",), order=90))
        tabs.register_action(tabs.Action(_("Print"), "casework:case_print", "view"))
        from casework import home as case_home

        case_home.register()
        from casework import retention

        retention.register()

        from accounts import hooks
        from casework import access

        hooks.register(hooks.membership_changed, access.on_membership_changed)
        hooks.register(hooks.membership_blockers, access.last_named_on)
        demo_hooks.register(demo.seed, order=20)

        from django.urls import reverse

        from audit import history_registry
        from casework.models import Attachment, Case, CaseNote, Consent, RightsRequest, ServiceRecord

        history_registry.ACCESS_PANELS["case"] = lambda pk: reverse("casework:case_access_admin", args=[pk])

        def of_case(qs, ref):
            return qs.filter(case_id__in=Case.objects.filter(reference__iexact=ref).values("pk"))

        history_registry.register(
            history_registry.Audited(
                "case",
                Case,
                _("Case"),
                history_registry.by_field("reference"),
                lambda qs, ref: qs.filter(reference__iexact=ref),
            )
        )
        audited: list[tuple[str, Any, Any]] = [
            ("case_note", CaseNote, _("Note")),
            ("service", ServiceRecord, _("Service")),
            ("consent", Consent, _("Consent")),
            ("attachment", Attachment, _("Attachment")),
            ("rights_request", RightsRequest, _("Rights request")),
        ]
        for key, model, label in audited:
            history_registry.register(
                history_registry.Audited(
                    key, model, label, history_registry.by_lookup(Case, "case_id", "reference"), of_case
                )
            )
        demo_hooks.register(demo.schedule_demo_reminders, order=30)

        from casework.views.intake import intake_rescue
        from core import csrf

        for url_name in ("casework:case_create", "casework:intake_draft_save"):
            csrf.register(csrf.Rescue(url_name, intake_rescue))
