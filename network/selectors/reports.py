"""Quarterly network reports, and the stable API learning/ cites their figures through."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.choices import Role
from accounts.models import User
from core import provinces
from network.aggregation import NOT_RECORDED
from network.disclosure import Period
from network.models import (
    QuarterlyReport,
)
from network.selectors.figures import BREAKDOWNS, _labels, periods

# --- Quarterly reports -----------------------------------------------------------------------------------------


def reports(user: User) -> QuerySet[QuarterlyReport]:
    found = QuarterlyReport.objects.all()
    if user.role not in (Role.COORDINATOR, Role.ADMIN):
        found = found.filter(status=QuarterlyReport.Status.RELEASED)
    return found


def get_report_for(user: User, report_id: Any) -> QuarterlyReport:
    try:
        return reports(user).get(pk=report_id)
    except (QuarterlyReport.DoesNotExist, ValueError):
        raise Http404 from None


def closed_quarters_without_report(today: date | None = None) -> list[Period]:
    today = today or timezone.localdate()
    frozen = set(QuarterlyReport.objects.values_list("period", flat=True))
    return [p for p in periods(today) if p.quarter and p.is_closed(today) and p.code not in frozen]


@dataclass(frozen=True)
class ReportFigure:
    key: str
    label: str
    value: int | str  # an int, or the "<11" text of a hidden figure


def report_figures(report: QuarterlyReport) -> list[ReportFigure]:
    """The figures of a frozen quarterly report, for pages and for citing (learning/ cites by (report id, key)).

    Stable API: each item has
    - ``key``: a stable string, e.g. ``"cases.total"``, ``"origin.53"``, ``"exploitation.forced_labour"``,
      ``"requested.shelter"``, ``"challenges.no_shelter"``; the same key always names the same figure in every
      report, and keys are never reused for something else;
    - ``label``: the figure's name in the active language;
    - ``value``: what may be shown, already under the disclosure rule of the report (an int rounded to the report's
      rounding, or the text "<k").
    Unknown keys in older reports are still returned with the key as their label.
    """
    labels = figure_labels()
    return [
        ReportFigure(key=key, label=str(labels.get(key, key)), value=value)
        for key, value in report.figures.get("figures", {}).items()
    ]


# The national tables a quarterly report freezes beside the origin series (network.services._report_figures).
REPORT_TABLES = "exploitation sector recruitment gender age risk requested provided challenges".split()  # noqa: SIM905


def figure_labels() -> dict[str, str]:
    labels: dict[str, str] = {"cases.total": str(_("Cases counted (statistics consent)"))}
    for code, name in provinces.CHOICES:
        labels[f"origin.{code}"] = str(_("Cases from %(province)s") % {"province": name})
    labels[f"origin.{NOT_RECORDED}"] = str(_("Cases whose province of origin is not recorded"))
    for table in REPORT_TABLES:
        title = BREAKDOWNS[table]
        for value, label in _labels(table).items():
            labels[f"{table}.{value}"] = f"{title}: {label}"
    return labels
