"""The caseworker's home panel: follow-ups due today and overdue (mine, then my organisation's), my recently opened
cases (references only) and open cases by risk level. Each figure links to the case list filtered the same way
(casework/views/lists.py ``_filters``). A fixed number of aggregate queries, whatever the number of cases."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from accounts.choices import Role
from audit import selectors as audit_selectors
from casework import access, selectors
from casework.choices import CaseStatus, RiskLevel
from casework.models import Section
from core import home


def _list(**params: str) -> str:
    return reverse("casework:case_list") + "?" + urlencode(params)


def panel_data(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    if not access.may_reach_cases(user):  # type: ignore[arg-type]
        return {}
    today = timezone.localdate()
    mine = Q(assigned_to=user)
    figures = {
        "today_mine": Count("id", filter=Q(next_follow_up=today) & mine),
        "overdue_mine": Count("id", filter=Q(next_follow_up__lt=today) & mine),
        "today_all": Count("id", filter=Q(next_follow_up=today)),
        "overdue_all": Count("id", filter=Q(next_follow_up__lt=today)),
        **{f"risk_{level}": Count("id", filter=Q(risk_level=level)) for level in RiskLevel.values},
    }
    # The open cases the user may see (selectors.visible_cases), counted in its two disjoint parts, the
    # organisation's own and those shared with it: one aggregate query each for every figure.
    summary = (access.FULL_VIEW, access.SECTION_PERMISSIONS[Section.SUMMARY])
    due = dict.fromkeys(figures, 0)
    for part in access.cases_with_parts(user, *summary):  # type: ignore[arg-type]
        for key, count in part.exclude(status=CaseStatus.CLOSED).aggregate(**figures).items():
            due[key] += count
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
        "recent": [
            {"reference": reference, "url": reverse("casework:case_detail", args=[pk])} for pk, reference in recent
        ],
    }


def register() -> None:
    home.register(home.Panel("casework", (Role.CASEWORKER,), "casework/_home.html", panel_data, order=10))
