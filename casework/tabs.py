"""The tabs and actions of a case's pages: casework's own and those other apps register (referrals).

Each names the gate's actions (``casework.access.CaseAccess.allows``) that show it, so the access rule is asked here,
never restated in a template.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse

from casework.models import Case
from core.registry import Registry


@dataclass(frozen=True)
class Tab:
    key: str
    label: Any  # lazily translated
    url_name: str  # takes the case id
    actions: tuple[str, ...]  # shown when the user's access allows any of them
    order: int = 100


@dataclass(frozen=True)
class Action:
    label: Any
    url_name: str
    action: str
    open_cases_only: bool = False


_TABS: Registry[Tab] = Registry(key=lambda tab: tab.key, order=lambda tab: tab.order)
_ACTIONS: Registry[Action] = Registry(key=lambda action: action.url_name)


def register_tab(tab: Tab) -> None:
    _TABS.register(tab)


def register_action(action: Action) -> None:
    _ACTIONS.register(action)


def tabs_for(case: Case) -> list[dict[str, str]]:
    granted = case.access
    return [
        {"key": tab.key, "label": str(tab.label), "url": reverse(tab.url_name, args=[case.pk])}
        for tab in _TABS
        if any(granted.allows(action) for action in tab.actions)
    ]


def actions_for(case: Case) -> list[dict[str, str]]:
    return [
        {"label": str(action.label), "url": reverse(action.url_name, args=[case.pk])}
        for action in _ACTIONS
        if case.access.allows(action.action) and not (action.open_cases_only and case.is_closed)
    ]


def page_context(case: Case, tab: str) -> dict[str, Any]:
    """What every page of a case needs for its header: the case, the user's access, the tabs and the actions."""
    return {
        "case": case,
        "access": case.access,
        "tab": tab,
        "case_tabs": tabs_for(case),
        "case_actions": actions_for(case),
    }
