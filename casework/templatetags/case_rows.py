"""The rows of the case list (templates/casework/_case_rows.html), written in one pass.

Through the template engine each of the 25 rows' translated labels, choice labels, dates and conditions cost more
than the rest of the page (193 ``{% translate %}`` per page). ``case_rows`` writes the same markup with
``str.format``, every value HTML-escaped (``html.escape``, as Django's ``escape``), the column labels translated and
escaped once per table; tests/casework/test_case_rows.py compares it with the template loop it replaces.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from datetime import date
from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from casework.choices import CaseStatus, RiskLevel
from core.dates import Formatter
from core.templatetags.fast_url import fast_url

register = template.Library()

ROW = (
    "\n<tr>\n"
    '  <td data-label="{l_reference}"><a href="{url}" class="fw-semibold">{reference}</a>{badges}</td>\n'
    '  <td data-label="{l_status}">{status}</td>\n'
    '  <td data-label="{l_risk}">{risk}</td>\n'
    '  <td data-label="{l_assigned}">{assigned}</td>\n'
    '  <td data-label="{l_follow_up}">{follow_up}</td>\n'
    '  <td data-label="{l_opened}">{opened}</td>\n'
    "</tr>\n"
)
BADGE = ' <span class="badge text-bg-{}">{}</span>'
DUE = '<span class="text-danger fw-semibold">{} · {}</span>'


def _assigned(user: Any) -> str:
    if user is None:
        return "—"
    return user.get_full_name() or user.username or "—"


@register.simple_tag
def case_rows(cases: Iterable[Any], organisation_id: Any, today: date) -> SafeString:
    """One ``<tr>`` per case: reference (a link, with the restricted and other-owner badges), status, risk,
    assigned caseworker, next follow-up (marked when due), the day it was opened."""
    escape = html.escape
    labels = {
        "l_reference": escape(gettext("Reference")),
        "l_status": escape(gettext("Status")),
        "l_risk": escape(gettext("Risk")),
        "l_assigned": escape(gettext("Assigned to")),
        "l_follow_up": escape(gettext("Next follow-up")),
        "l_opened": escape(gettext("Opened")),
    }
    # Once per table: the choices' labels in the language shown, and the date format and zone (get_FOO_display
    # and date_format looked them up again for every row).
    statuses = {value: escape(str(label)) for value, label in CaseStatus.choices}
    risks = {value: escape(str(label)) for value, label in RiskLevel.choices}
    short = Formatter("SHORT_DATE_FORMAT")
    restricted = BADGE.format("dark", escape(gettext("Restricted")))
    due = escape(gettext("due"))
    rows = []
    for case in cases:
        badges = restricted if case.is_restricted else ""
        if case.owner_id != organisation_id:
            badges += BADGE.format("info", escape(case.owner.code))
        follow_up = "—"
        if case.next_follow_up:
            follow_up = escape(short(case.next_follow_up))
            if case.next_follow_up <= today and case.status != CaseStatus.CLOSED:
                follow_up = DUE.format(follow_up, due)
        rows.append(
            ROW.format(
                url=escape(fast_url("casework:case_detail", case.pk)),
                reference=escape(case.reference),
                badges=badges,
                status=statuses.get(case.status) or escape(str(case.status)),
                risk=risks.get(case.risk_level) or escape(str(case.risk_level)),
                assigned=escape(_assigned(case.assigned_to)),
                follow_up=follow_up,
                opened=escape(short(case.created_at)),
                **labels,
            )
        )
    return mark_safe("".join(rows))  # noqa: S308  (every value above is escaped)
