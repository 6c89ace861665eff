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
from casework import access
from casework.choices import CaseStatus, RiskLevel
from casework.models import Case
from core import home, sql
from core.templatetags.fast_url import fast_url


def _list(**params: str) -> str:
    return fast_url("casework:case_list") + "?" + urlencode(params)


RECENT_SHOWN = 8


def _open_case_figures(user: User) -> dict[str, int]:
    """Every follow-up and risk figure of the open cases the user may see (selectors.visible_cases), in one
    statement written out (core/sql.py): the two disjoint parts of those cases (as access.cases_with_parts: the
    organisation's own, read from an index and asked of the owner's rule: access.own_visible, and those shared with
    it, read from its group's summary grants: access.shared_from), counted together."""
    today = connection.ops.adapt_datefield_value(timezone.localdate())
    own, own_params = access.own_visible(user, "o")  # by the owner's rule: no hash of the organisation's grants
    # Constants written in (sql.literal: PostgreSQL then plans the statement once per connection), ids as parameters.
    closed = sql.literal(CaseStatus.CLOSED)
    columns = f"SELECT next_follow_up, assigned_to_id, risk_level FROM {sql.table(Case)} o WHERE status <> {closed}"  # noqa: S608
    shared_from, shared_params = access.shared_from(user, "s")  # the summary grants of the organisation's group
    shared = f"SELECT s.next_follow_up, s.assigned_to_id, s.risk_level FROM {shared_from} AND s.status <> {closed}"  # noqa: S608
    figures: dict[str, tuple[str, list[Any]]] = {
        "today_mine": ("next_follow_up = %s AND assigned_to_id = %s", [today, user.pk]),
        "overdue_mine": ("next_follow_up < %s AND assigned_to_id = %s", [today, user.pk]),
        "today_all": ("next_follow_up = %s", [today]),
        "overdue_all": ("next_follow_up < %s", [today]),
        **{f"risk_{level}": (f"risk_level = {sql.literal(level)}", []) for level in RiskLevel.values},
    }
    counts = ", ".join(f"COUNT(*) FILTER (WHERE {condition})" for condition, _params in figures.values())
    statement = (
        f"SELECT {counts} FROM ({columns} AND owner_id = %s AND {own}"  # noqa: S608 (names, not values)
        f" UNION ALL {shared}) AS visible"
    )
    params = [p for _condition, condition_params in figures.values() for p in condition_params]
    params += [user.membership.organisation_id, *own_params, *shared_params]
    row = sql.rows(statement, params, generic=True)[0]
    return {key: row[index] or 0 for index, key in enumerate(figures)}


def _recently_opened(user: User) -> list[tuple[Any, str]]:
    """My recently opened cases that I may still open, newest view first, in one statement whether I opened any or
    not: my latest views from the access log (audit.selectors.recently_viewed), the cases among them the gate lets
    me open (as selectors.visible_cases), each asked of its own grants (access.granted_probes)."""
    views, view_params = audit_selectors.recently_viewed(user)
    granted, granted_params = access.granted_probes(user, "c.id", "c.owner_id", *access.VISIBLE)
    statement = (
        f"SELECT c.id, c.reference FROM {sql.table(Case)} c INNER JOIN ({views}) AS r ON r.object_id = c.id"  # noqa: S608
        f" WHERE {granted} ORDER BY r.seen DESC, c.id DESC LIMIT %s"
    )
    found = sql.rows(statement, [*view_params, *granted_params, RECENT_SHOWN])
    return [(sql.as_uuid(pk), reference) for pk, reference in found]


def panel_data(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    if not access.may_reach_cases(user):  # type: ignore[arg-type]
        return {}
    due = _open_case_figures(user)  # type: ignore[arg-type]
    by_risk = {level: due[f"risk_{level}"] for level in RiskLevel.values}
    recent = _recently_opened(user)  # type: ignore[arg-type]
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
