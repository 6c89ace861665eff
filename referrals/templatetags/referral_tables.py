"""The rows of the referrals tables (templates/referrals/_table.html, the coordinators' queue), written in one pass.

The inbox lists up to a hundred referrals; through the template engine each row's dozen variables, filters and
tags cost more than the rest of the page. ``referral_rows`` and ``queue_rows`` write the same markup with
``str.format``, every value HTML-escaped (``html.escape``, as Django's ``escape``), the column labels translated and
escaped once per table.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from typing import Any

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from casework.models import Case
from core.dates import Formatter
from core.fields import choice_label
from core.templatetags.fast_url import fast_reverse
from core.templatetags.jejaring import duration
from referrals.choices import Urgency
from referrals.models import STATUS_LABELS, URGENCY_LABELS, Referral

register = template.Library()

ROW = (
    "  <tr>\n"
    '    <td data-label="{l_referral}"><a href="{url}" class="fw-semibold">{reference}</a></td>\n'
    '    <td data-label="{l_from}">{from_code}</td><td data-label="{l_to}">{to_code}</td>\n'
    '    <td data-label="{l_urgency}">{urgency}</td>\n'
    '    <td data-label="{l_status}">{status}</td>\n'
    '    <td data-label="{l_deadline}">{deadline}</td>\n'
    "  </tr>\n"
)
EMERGENCY = '<span class="badge text-bg-danger">{}</span>'
OVERDUE = '<span class="text-danger fw-semibold">{} · {}</span>'


def _url(pk: Any) -> str:
    return fast_reverse("referrals:referral_detail", [pk], None) or reverse("referrals:referral_detail", args=[pk])


def _code(referral: Any, side: str) -> str:
    """The organisation's code, as referrals.selectors.with_codes annotates it (else from the organisation)."""
    code = getattr(referral, f"{side}_code", None)
    return code if code is not None else getattr(referral, f"{side}_org").code


def _labels() -> tuple[dict[str, str], dict[str, str]]:
    """The statuses' and urgencies' labels in the active language, escaped, once per table."""
    escape = html.escape
    return (
        {value: escape(str(label)) for value, label in STATUS_LABELS.items()},
        {value: escape(str(label)) for value, label in URGENCY_LABELS.items()},
    )


@register.simple_tag
def referral_rows(referrals: Iterable[Any]) -> SafeString:
    """One ``<tr>`` per referral: reference (a link), from, to, urgency, status, the answer's deadline."""
    escape = html.escape
    labels = {
        "l_referral": escape(gettext("Referral")),
        "l_from": escape(gettext("From")),
        "l_to": escape(gettext("To")),
        "l_urgency": escape(gettext("Urgency")),
        "l_status": escape(gettext("Status")),
        "l_deadline": escape(gettext("Answer expected by")),
    }
    overdue = escape(gettext("overdue"))
    statuses, urgencies = _labels()
    # Looked up once per table, not once per row: the date format and zone, and the time deadlines are compared with.
    short, now = Formatter("SHORT_DATETIME_FORMAT"), timezone.now()
    rows = []
    for referral in referrals:
        urgency = urgencies[referral.urgency]
        if referral.urgency == Urgency.EMERGENCY:
            urgency = EMERGENCY.format(urgency)
        deadline = escape(short(referral.deadline))
        if referral.overdue_at(now):
            deadline = OVERDUE.format(deadline, overdue)
        rows.append(
            ROW.format(
                url=escape(_url(referral.pk)),
                reference=escape(referral.reference),
                from_code=escape(_code(referral, "from")),
                to_code=escape(_code(referral, "to")),
                urgency=urgency,
                status=statuses[referral.status],
                deadline=deadline,
                **labels,
            )
        )
    return mark_safe("".join(rows))  # noqa: S308  (every value above is escaped)


QUEUE_ROW = (
    '  <tr class="{css}"{testid}>\n'
    '    <td data-label="{l_referral}"><span><a href="{url}" class="fw-semibold">{reference}</a>{badges}</span></td>\n'
    '    <td data-label="{l_route}">{from_code} → {to_code}</td>\n'
    '    <td data-label="{l_services}">{services}</td>\n'
    '    <td data-label="{l_urgency}">{urgency}</td>\n'
    '    <td data-label="{l_status}">{status}</td>\n'
    '    <td data-label="{l_waited}">{waited}</td>\n'
    '    <td data-label="{l_province}">{province}</td>\n'
    "  </tr>\n"
)


@register.simple_tag
def queue_rows(rows: Iterable[dict[str, Any]]) -> SafeString:
    """The coordinators' queue: one ``<tr>`` per row of referrals.views.coordinator_queue (the referral as
    referrals.queue.Row reads it, with its case's province of origin; whether it is an emergency declined). Of the
    non-identifying summary (referrals.selectors.Summary) a row shows the services, the urgency and the province."""
    escape = html.escape
    labels = {
        "l_referral": escape(gettext("Referral")),
        "l_route": escape(f"{gettext('From')} → {gettext('To')}"),
        "l_services": escape(gettext("Services requested")),
        "l_urgency": escape(gettext("Urgency")),
        "l_status": escape(gettext("Status")),
        "l_waited": escape(gettext("Waited")),
        "l_province": escape(gettext("Province of origin")),
    }
    declined_badge = ' <span class="badge text-bg-danger">{}</span>'.format(
        escape(gettext("Emergency declined: reassign now"))
    )
    override_badge = ' <span class="badge text-bg-warning">{}</span>'.format(escape(gettext("without consent")))
    overdue = ' · <strong class="text-danger">{}</strong>'.format(escape(gettext("overdue")))
    statuses, urgencies = _labels()
    services_of = Referral._meta.get_field("services").labels
    province_field = Case._meta.get_field("origin_province")
    out = []
    for row in rows:
        referral, declined = row["referral"], row["declined_emergency"]
        is_overdue = referral.is_overdue
        urgency = urgencies[referral.urgency]
        if referral.urgency == Urgency.EMERGENCY:
            urgency = EMERGENCY.format(urgency)
        waited = f"{escape(duration(referral.waited))} / {escape(duration(referral.allowed_time))}"
        out.append(
            QUEUE_ROW.format(
                css="table-danger" if declined else "table-warning" if is_overdue else "",
                testid=' data-testid="declined-emergency"' if declined else "",
                url=escape(_url(referral.pk)),
                reference=escape(referral.reference),
                badges=(declined_badge if declined else "") + (override_badge if referral.consent_override else ""),
                from_code=escape(_code(referral, "from")),
                to_code=escape(_code(referral, "to")),
                services=", ".join(escape(service) for service in services_of(referral.services)),
                urgency=urgency,
                status=statuses[referral.status],
                waited=waited + (overdue if is_overdue else ""),
                province=escape(choice_label(province_field, referral.province) or "—"),
                **labels,
            )
        )
    return mark_safe("".join(out))  # noqa: S308  (every value above is escaped)
