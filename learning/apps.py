from collections.abc import Callable
from typing import Any

from django.apps import AppConfig
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _


class LearningConfig(AppConfig):
    name = "learning"
    verbose_name = _("Learning")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from accounts.choices import Role
        from casework import hooks, tabs
        from core.navigation import NavItem, register
        from learning import reminders as notices
        from learning.services import practices

        everyone = (Role.CASEWORKER, Role.COORDINATOR, Role.ADMIN)
        register(NavItem(_("Good practices"), "learning:library", everyone, order=40))
        register(NavItem(_("Documents"), "learning:documents", everyone, order=41))
        register(NavItem(_("Recommendations"), "learning:recommendations", everyone, order=42))
        register(NavItem(_("Learning events"), "learning:events", everyone, order=43))
        register(NavItem(_("Review"), "learning:review_queue", (Role.COORDINATOR,), order=44))
        hooks.register(hooks.consent_withdrawn, practices.on_consent_withdrawn)
        tabs.register_action(tabs.Action(_("Write a case study"), "learning:case_study_create", "change"))
        notices.register()

        from core import home
        from learning import home as learning_home
        from learning import selectors
        from network import hooks as network_hooks

        network_hooks.challenge_origins.register(selectors.challenge_origins)

        home.register(
            home.Panel(
                "learning",
                everyone,
                "learning/_home_panel.html",
                learning_home.panel_data,
                order=60,
            )
        )

        from core import demo_hooks
        from learning import demo

        demo_hooks.register(demo.seed, order=70)  # after network's (60): the demo event links a demo challenge

        from audit import history_registry
        from learning.models import Document, LearningEvent, Practice, Recommendation

        for key, model, label, prefix in [
            ("practice", Practice, _("Good practice"), "PB-"),
            ("document", Document, _("Document"), "DOK-"),
            ("recommendation", Recommendation, _("Policy recommendation"), "REK-"),
            ("learning_event", LearningEvent, _("Learning event"), "FOR-"),
        ]:
            history_registry.register(
                history_registry.Audited(key, model, label, _reference_of(prefix), _by_reference(prefix))
            )


def _reference_of(prefix: str) -> Callable[[list[Any]], dict[int, str]]:
    def label(rows: list[Any]) -> dict[int, str]:
        return {row.history_id: f"{prefix}{row.id.hex[:8].upper()}" for row in rows}

    return label


def _by_reference(prefix: str) -> Callable[[QuerySet[Any], str], QuerySet[Any]]:
    def find(qs: QuerySet[Any], ref: str) -> QuerySet[Any]:
        code = ref.strip().upper().removeprefix(prefix).lower()
        return qs.filter(id__startswith=code) if len(code) == 8 and code.isalnum() else qs.none()

    return find
