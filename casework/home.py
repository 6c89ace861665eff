"""The caseworker's home panel: follow-ups due today and overdue (mine, then my organisation's), my recently opened
cases (references only) and open cases by risk level. Each figure links to the case list filtered the same way
(casework/views/lists.py ``_filters``). A fixed number of aggregate queries, whatever the number of cases."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.db import connection
from django.http import HttpRequest
from django.utils import timezone

from accounts.choices import Role
from accounts.models import User
from audit import selectors as audit_selectors
from casework import access, selectors
from casework.choices import CaseStatus, RiskLevel
from casework.models import Section
from core import home
from core.templatetags.fast_url import fast_url


def _list(**params: str) -> str:
    return fast_url("casework:case_list") + "?" + urlencode(params)


def _open_case_figures(user: User) -> dict[str, int]:
    """Every follow-up and risk figure of the open cases the user may see (selectors.visible_cases), in one
    statement: the two disjoint parts of those cases (access.cases_with_parts: the organisation's own, read from
    an index, and those shared with it), each as the ORM writes it, counted together. The ORM's own aggregate
    over each part cost twice as much to build as to run."""
    today = connection.ops.adapt_datefield_value(timezone.localdate())
    summary = (access.FULL_VIEW, access.SECTION_PERMISSIONS[Section.SUMMARY])
    columns = ("next_follow_up", "assigned_to_id", "risk_level")
    parts = [
        part.exclude(status=CaseStatus.CLOSED).order_by().values(*columns).query.sql_with_params()
        for part in access.cases_with_parts(user, *summary)
    ]
    figures: dict[str, tuple[str, list[Any]]] = {
        "today_mine": ("next_follow_up = %s AND assigned_to_id = %s", [today, user.pk]),
        "overdue_mine": ("next_follow_up < %s AND assigned_to_id = %s", [today, user.pk]),
        "today_all": ("next_follow_up = %s", [today]),
        "overdue_all": ("next_follow_up < %s", [today]),
        **{f"risk_{level}": ("risk_level = %s", [level]) for level in RiskLevel.values},
    }
    counts = ", ".join(f"COUNT(*) FILTER (WHERE {condition})" for condition, _params in figures.values())
    union = " UNION ALL ".join(sql for sql, _params in parts)
    params = [p for _condition, condition_params in figures.values() for p in condition_params]
    params += [p for _sql, part_params in parts for p in part_params]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {counts} FROM ({union}) AS visible", params)  # noqa: S608 (the ORM's SQL, params)
        row = cursor.fetchone()
    return {key: row[index] or 0 for index, key in enumerate(figures)}


def panel_data(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    if not access.may_reach_cases(user):  # type: ignore[arg-type]
        return {}
    due = _open_case_figures(user)  # type: ignore[arg-type]
    by_risk = {level: due[f"risk_{level}"] for level in RiskLevel.values}
    # My recently opened cases that I may still open, newest view first: one query, whether I opened any or not.
    viewed, seen = audit_selectors.recently_viewed(user)  # type: ignore[arg-type]
    recent = (
        selectors.visible_cases(user)  # type: ignore[arg-type]
        .filter(pk__in=viewed)
        .annotate(seen=seen)
        .order_by("-seen", "-pk")
        .values_list("pk", "reference")[:8]
    )
    return {
        "follow_ups": [
            {"key": "today_mine", "count": due["today_mine"], "url": _list(due="today", mine="1")},
            {"key": "overdue_mine", "count": due["overdue_mine"], "url": _list(due="overdue", mine="1")},
            {"key": "today_all", "count": due["today_all"], "url": _list(due="today")},
            {"key": "overdue_all", "count": due["overdue_all"], "url": _list(due="overdue")},
        ],
        "risks": [
            {"label": label, "level": level, "count": by_risk.get(level, 0), "url": _list(open="1", risk=level)}
            for level, label in RiskLevel.choices
        ],
        "open_total": sum(by_risk.values()),
        "open_url": _list(open="1"),
        "recent": [{"reference": reference, "url": fast_url("casework:case_detail", pk)} for pk, reference in recent],
    }


def register() -> None:
    home.register(home.Panel("casework", (Role.CASEWORKER,), "casework/_home.html", panel_data, order=10))
