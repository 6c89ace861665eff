"""Every read of network data. Figures leave here already under the disclosure rule (network/disclosure.py).

Who sees what:
- every active member (caseworker, coordinator, admin) sees the network's aggregates, approved challenges and
  approved, unexpired posted needs;
- figures about one organisation (its referral performance, its own high-risk cases without a service, its pending
  posts) only that organisation's members and the coordinators;
- moderation queues only coordinators.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.choices import Role, ServiceType
from accounts.models import Organisation, User
from core import provinces
from network import aggregation
from network.aggregation import COLUMNS, MULTI_VALUED, NOT_RECORDED, NOW, PROVINCE_ROWS, TOTAL
from network.disclosure import Figure, Period, Rule, Series, Table, available_periods, protect_series, protect_table
from network.models import (
    Aggregate,
    CapacityLevel,
    CapacityStatus,
    Challenge,
    ModerationState,
    PostedNeed,
    QuarterlyReport,
    RefreshRun,
)

MEMBER_ROLES = (Role.CASEWORKER, Role.COORDINATOR, Role.ADMIN)


def is_member(user: User) -> bool:
    return getattr(user, "role", None) in MEMBER_ROLES


def rule() -> Rule:
    return Rule.from_settings()


# --- Periods and refreshes -------------------------------------------------------------------------------------


def periods(today: date | None = None) -> list[Period]:
    today = today or timezone.localdate()
    first = Aggregate.objects.exclude(period=NOW).order_by("period").values_list("period", flat=True).first()
    first_year = int(first[:4]) if first else today.year
    return available_periods(today, min(first_year, today.year))


def default_period(today: date | None = None) -> Period:
    return Period((today or timezone.localdate()).year)


def last_refresh() -> RefreshRun | None:
    return RefreshRun.objects.filter(state=RefreshRun.State.DONE).order_by("-finished_at").first()


def refresh_in_progress() -> RefreshRun | None:
    """A queued or running refresh (one older than an hour is taken as lost)."""
    recent = timezone.now() - timedelta(hours=1)
    return (
        RefreshRun.objects.filter(
            state__in=[RefreshRun.State.QUEUED, RefreshRun.State.RUNNING], requested_at__gte=recent
        )
        .order_by("-requested_at")
        .first()
    )


# --- Protected tables ------------------------------------------------------------------------------------------


def _rows(period: str, table: str) -> QuerySet[Any]:
    return Aggregate.objects.filter(period=period, table=table).values_list("row", "col", "count")


def refresh_marker() -> str:
    """Which refresh's rows the aggregate table holds now: its id and end ("" before the first)."""
    found = (
        RefreshRun.objects.filter(state=RefreshRun.State.DONE)
        .order_by("-finished_at", "-id")
        .values_list("pk", "finished_at")
        .first()
    )
    return f"{found[0]}@{found[1]}" if found else ""


# Protected tables change only when a refresh replaces the rows: they are kept per (refresh, rule, period, table),
# so that a page reads and protects a large table (destinations: 39 x 290) once per process and refresh.
_PROTECTED: dict[tuple[str, Rule, str, str], Any] = {}
_PROTECTED_SIZE = 256


def _remember(key: tuple[str, Rule, str, str], build: Any) -> Any:
    found = _PROTECTED.get(key)
    if found is None:
        if len(_PROTECTED) >= _PROTECTED_SIZE:
            _PROTECTED.clear()
        found = _PROTECTED[key] = build()
    return found


def province_table(period: Period, table: str, *, marker: str | None = None) -> Table:
    """Province of origin x the table's categories, protected. Row totals are the cases (or organisations) per
    province, which every province table shares, so they are protected alike in all of them."""
    key = (refresh_marker() if marker is None else marker, rule(), period.code, table)
    return _remember(key, lambda: _province_table(period, table))


def _province_table(period: Period, table: str) -> Table:
    cells: dict[tuple[str, str], int] = {}
    totals: dict[str, int] = {}
    for row, col, count in _rows(period.code, table):
        if col == TOTAL:
            totals[row] = count
        else:
            cells[(row, col)] = count
    if table == "exploitation":  # several types per case: the row totals are the cases, as on the map
        totals = {row: count for row, _col, count in _rows(period.code, "origin")}
    elif table not in MULTI_VALUED:
        totals = None  # type: ignore[assignment]
    return protect_table(cells, PROVINCE_ROWS, COLUMNS[table], rule(), row_totals=totals)


def origin_series(period: Period, *, marker: str | None = None) -> Series:
    key = (refresh_marker() if marker is None else marker, rule(), period.code, "origin*")

    def build() -> Series:
        counts = {row: count for row, _col, count in _rows(period.code, "origin")}
        return protect_series(counts, PROVINCE_ROWS, rule())

    return _remember(key, build)


def service_series(table: str) -> Series:
    """A signal per service (period "now"): e.g. referrals past their deadline."""
    counts = {row: count for row, _col, count in _rows(NOW, table)}
    return protect_series(counts, list(ServiceType.values), rule())


def now_table(table: str) -> Table:
    cells, totals = {}, {}
    for row, col, count in _rows(NOW, table):
        if col == TOTAL:
            totals[row] = count
        else:
            cells[(row, col)] = count
    return protect_table(cells, PROVINCE_ROWS, list(ServiceType.values), rule(), row_totals=totals)


def unserved_figure() -> Figure:
    count = next((c for _r, _c, c in _rows(NOW, "unserved")), 0)
    return protect_series({"all": count}, ["all"], rule()).total


# --- The map ---------------------------------------------------------------------------------------------------

METRICS = {
    "origin": _("Cases by province of origin"),
    "exploitation": _("Cases by type of exploitation"),
    "sector": _("Cases by labour sector"),
    "recruitment": _("Cases by recruitment method"),
    "challenges": _("Reported challenges (organisations reporting)"),
}
BUCKETS = 5


def category_choices(metric: str) -> list[tuple[str, Any]]:
    from casework.choices import ExploitationType, LabourSector, RecruitmentMethod
    from network.models import ChallengeCategory

    enum = {
        "exploitation": ExploitationType,
        "sector": LabourSector,
        "recruitment": RecruitmentMethod,
        "challenges": ChallengeCategory,
    }.get(metric)
    if enum is None:
        return []
    return [("", _("All")), *enum.choices]


@dataclass
class ProvinceFigure:
    code: str
    name: str
    figure: Figure
    bucket: str  # a CSS class: map-b0 (none) .. map-b5, map-hidden

    @property
    def title(self) -> str:
        return f"{self.name}: {self.figure}"


@dataclass
class MapView:
    metric: str
    category: str
    period: Period
    provinces: list[ProvinceFigure]
    total: Figure
    not_recorded: Figure
    legend: list[tuple[str, str]]


def _bucket_edges(values: list[int]) -> list[int]:
    top = max(values, default=0)
    if top <= 0:
        return []
    step = max(5, -(-top // BUCKETS))
    step = -(-step // 5) * 5
    return [step * i for i in range(1, BUCKETS + 1)]


def map_view(metric: str, category: str, period: Period) -> MapView:
    marker = refresh_marker()
    if metric == "origin" or not category:
        if metric == "origin":
            series = origin_series(period, marker=marker)
            figures = dict(series.values)
            total = series.total
        else:
            table = province_table(period, metric, marker=marker)
            figures = dict(table.row_totals)
            total = table.total
    else:
        table = province_table(period, metric, marker=marker)
        figures = dict(table.column(category))
        total = table.col_totals[category]
    shown = [f.value for code, f in figures.items() if code != NOT_RECORDED and f.value is not None]
    edges = _bucket_edges(shown)
    rows = []
    for code, name in provinces.CHOICES:
        figure = figures[code]
        if figure.hidden:
            bucket = "map-hidden"
        elif not figure.value:
            bucket = "map-b0"
        else:
            bucket = f"map-b{next(i + 1 for i, edge in enumerate(edges) if figure.value <= edge)}"
        rows.append(ProvinceFigure(code, name, figure, bucket))
    legend = [("map-b0", "0"), ("map-hidden", f"<{rule().k}")]
    low = 1
    for i, edge in enumerate(edges):
        legend.append((f"map-b{i + 1}", f"{low}–{edge}"))
        low = edge + 1
    return MapView(metric, category, period, rows, total, figures[NOT_RECORDED], legend)


# --- A province ------------------------------------------------------------------------------------------------

BREAKDOWNS = {
    "exploitation": _("Type of exploitation"),
    "sector": _("Labour sector"),
    "recruitment": _("Recruitment method"),
    "gender": _("Gender"),
    "age": _("Age band"),
    "risk": _("Risk level"),
    "requested": _("Services requested in referrals"),
    "provided": _("Services provided"),
    "outcome": _("Referral outcomes"),
    "challenges": _("Reported challenges (organisations reporting)"),
}


def get_province(code: str) -> provinces.Province:
    province = provinces.BY_CODE.get(code)
    if province is None:
        raise Http404
    return province


def _labels(table: str) -> dict[str, str]:
    from casework.choices import AgeBand, ExploitationType, Gender, LabourSector, RecruitmentMethod, RiskLevel
    from network.models import ChallengeCategory
    from referrals.choices import ReferralStatus

    enums: dict[str, Any] = {
        "exploitation": ExploitationType,
        "sector": LabourSector,
        "recruitment": RecruitmentMethod,
        "gender": Gender,
        "age": AgeBand,
        "risk": RiskLevel,
        "requested": ServiceType,
        "provided": ServiceType,
        "outcome": ReferralStatus,
        "challenges": ChallengeCategory,
    }
    labels = {value: str(label) for value, label in enums[table].choices}
    labels[NOT_RECORDED] = str(_("Not recorded"))
    return labels


def destination_label(code: str) -> str:
    from core.geography import COUNTRY_CHOICES

    if code.startswith("ID-"):
        province = provinces.BY_CODE.get(code[3:])
        return f"{province.name} (Indonesia)" if province else code
    if code == NOT_RECORDED:
        return str(_("Not recorded"))
    return str(dict(COUNTRY_CHOICES).get(code, code))


def province_view(code: str, period: Period) -> dict[str, Any]:
    province = get_province(code)
    marker = refresh_marker()
    origin = origin_series(period, marker=marker)
    breakdowns = []
    for table, title in BREAKDOWNS.items():
        protected = province_table(period, table, marker=marker)
        labels = _labels(table)
        rows = [(labels.get(col, col), figure) for col, figure in protected.row(code)]
        # Tables about referrals, services and challenges count their own people (organisations) per province.
        total = protected.row_totals[code] if table in MULTI_VALUED - {"exploitation"} else origin.values[code]
        breakdowns.append({"key": table, "title": title, "rows": rows, "total": total})
    routes_table = province_table(period, "destination", marker=marker)
    shown = [(col, f) for col, f in routes_table.row(code) if f.value]
    shown.sort(key=lambda item: (-(item[1].value or 0), item[0]))
    hidden_routes = sum(1 for _col, f in routes_table.row(code) if f.hidden)
    return {
        "province": province,
        "cases": origin.values[code],
        "breakdowns": breakdowns,
        "routes": [(destination_label(col), f) for col, f in shown[:10]],
        "routes_hidden": hidden_routes,
        "offered": offered_services(code),
    }


def offered_services(code: str) -> list[str]:
    offered: set[str] = set()
    for services in Organisation.objects.filter(is_active=True, province=code).values_list("services", flat=True):
        offered |= set(services or [])
    return [str(label) for value, label in ServiceType.choices if value in offered]


# --- Challenges ------------------------------------------------------------------------------------------------


def approved_challenges(*, period: str = "", province: str = "", category: str = "") -> QuerySet[Challenge]:
    found = Challenge.objects.filter(state=ModerationState.APPROVED).select_related("organisation")
    if period:
        found = (
            found.filter(Q(period=period) | Q(period__startswith=f"{period}-"))
            if "-" not in period
            else found.filter(period=period)
        )
    if province:
        found = found.filter(province=province)
    if category:
        found = found.filter(category=category)
    return found.order_by("-created_at", "-id")


def challenges_awaiting(user: User) -> QuerySet[Challenge]:
    if user.role != Role.COORDINATOR:
        return Challenge.objects.none()
    return Challenge.objects.filter(state=ModerationState.PENDING).select_related("organisation").order_by("created_at")


def own_challenges(user: User) -> QuerySet[Challenge]:
    if user.organisation is None:
        return Challenge.objects.none()
    return Challenge.objects.filter(organisation=user.organisation).order_by("-created_at")[:20]


def get_challenge_for_moderation(user: User, challenge_id: Any) -> Challenge:
    if user.role != Role.COORDINATOR:
        raise Http404
    try:
        return Challenge.objects.get(pk=challenge_id, state=ModerationState.PENDING)
    except (Challenge.DoesNotExist, ValueError):
        raise Http404 from None


def challenge_rows_for_counting() -> QuerySet[Any]:
    return Challenge.objects.filter(state=ModerationState.APPROVED).values(
        "period", "province", "category", "organisation_id"
    )


# --- Posted needs ----------------------------------------------------------------------------------------------


def open_needs(today: date | None = None) -> QuerySet[PostedNeed]:
    today = today or timezone.localdate()
    return (
        PostedNeed.objects.filter(state=ModerationState.APPROVED, expires_on__gte=today)
        .select_related("organisation")
        .annotate(offer_count=Count("offers"))
        .order_by("expires_on", "-created_at")
    )


def needs_awaiting(user: User) -> QuerySet[PostedNeed]:
    if user.role != Role.COORDINATOR:
        return PostedNeed.objects.none()
    today = timezone.localdate()
    return PostedNeed.objects.filter(state=ModerationState.PENDING, expires_on__gte=today).select_related(
        "organisation"
    )


def own_needs(user: User) -> QuerySet[PostedNeed]:
    if user.organisation is None:
        return PostedNeed.objects.none()
    return (
        PostedNeed.objects.filter(organisation=user.organisation)
        .prefetch_related("offers__organisation")
        .order_by("-created_at")[:20]
    )


def get_need_for_moderation(user: User, need_id: Any) -> PostedNeed:
    if user.role != Role.COORDINATOR:
        raise Http404
    try:
        return PostedNeed.objects.get(pk=need_id, state=ModerationState.PENDING)
    except (PostedNeed.DoesNotExist, ValueError):
        raise Http404 from None


def get_open_need(need_id: Any) -> PostedNeed:
    try:
        return open_needs().get(pk=need_id)
    except (PostedNeed.DoesNotExist, ValueError):
        raise Http404 from None


def offered_by(user: User) -> set[Any]:
    if user.organisation is None:
        return set()
    from network.models import NeedOffer

    return set(NeedOffer.objects.filter(organisation=user.organisation).values_list("need_id", flat=True))


def gaps() -> list[dict[str, Any]]:
    """Province x service where referrals asked for a service this year and no active member there offers it."""
    period = default_period()
    table = province_table(period, "requested")
    offered: dict[str, set[str]] = defaultdict(set)
    for province, services in Organisation.objects.filter(is_active=True).values_list("province", "services"):
        offered[province] |= set(services or [])
    labels = _labels("requested")
    found = []
    for code, name in provinces.CHOICES:
        for service in ServiceType.values:
            figure = table.cells[(code, service)]
            if (figure.hidden or figure.value) and service not in offered[code]:
                found.append({"province": name, "service": labels[service], "requested": figure})
    return found


def needs_signals() -> dict[str, Any]:
    declined = now_table("declined")
    labels = _labels("requested")
    declined_rows = []
    for code, name in provinces.CHOICES:
        for service in ServiceType.values:
            figure = declined.cells[(code, service)]
            if figure.hidden or figure.value:
                declined_rows.append({"province": name, "service": labels[service], "figure": figure})
    overdue = service_series("overdue")
    return {
        "declined": declined_rows,
        "overdue": [(labels[s], f) for s, f in overdue.values.items() if f.hidden or f.value],
        "unserved": unserved_figure(),
        "gaps": gaps(),
    }


# --- Capacity --------------------------------------------------------------------------------------------------


def stale_before(now: Any = None) -> Any:
    return (now or timezone.now()) - timedelta(days=settings.JEJARING_CAPACITY_STALE_DAYS)


def capacity_of(organisation: Organisation) -> list[dict[str, Any]]:
    statuses = {c.service: c for c in CapacityStatus.objects.filter(organisation=organisation)}
    limit = stale_before()
    labels = dict(ServiceType.choices)
    return [
        {
            "service": service,
            "label": labels[service],
            "status": statuses.get(service),
            "stale": service not in statuses or statuses[service].updated_at < limit,
        }
        for service in organisation.services
    ]


def capacity_bulletin() -> list[dict[str, Any]]:
    """Per service: organisations and their status (organisational data, no personal data)."""
    limit = stale_before()
    labels = dict(ServiceType.choices)
    statuses = {
        (c.organisation_id, c.service): c
        for c in CapacityStatus.objects.filter(organisation__is_active=True).select_related("organisation")
    }
    rows: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for organisation in Organisation.objects.filter(is_active=True).order_by("name"):
        for service in organisation.services:
            status = statuses.get((organisation.pk, service))
            rows[service].append(
                {
                    "organisation": organisation,
                    "level": status.level if status else "",
                    "label": status.get_level_display() if status else _("Not stated"),
                    "stale": status is None or status.updated_at < limit,
                }
            )
    return [{"service": labels[s], "code": s, "rows": rows[s]} for s in ServiceType.values if rows.get(s)]


def capacity_levels(organisation_ids: list[int]) -> dict[int, dict[str, str]]:
    """organisation id -> service -> level, fresh statuses only (for reassignment suggestions)."""
    limit = stale_before()
    found: dict[int, dict[str, str]] = defaultdict(dict)
    for org_id, service, level in CapacityStatus.objects.filter(
        organisation_id__in=organisation_ids, updated_at__gte=limit
    ).values_list("organisation_id", "service", "level"):
        found[org_id][service] = level
    return found


def stale_capacity_count() -> int:
    return len([1 for service in capacity_bulletin() for row in service["rows"] if row["stale"]])


FULL = CapacityLevel.FULL


# --- Referral performance --------------------------------------------------------------------------------------


def performance(user: User) -> dict[str, Any]:
    """Per service and receiving province for everyone; per receiving organisation only for that organisation and
    coordinators. Groups of fewer than 11 referrals are not in the table at all (the refresh leaves them out)."""
    from referrals.choices import DeclineReason

    rows: dict[str, dict[str, Any]] = defaultdict(dict)
    for table, row, col, count in Aggregate.objects.filter(period=NOW, table__startswith="perf_").values_list(
        "table", "row", "col", "count"
    ):
        if table == "perf_declined":
            rows[row].setdefault("declined", {})[col] = count
        else:
            rows[row][table] = count
    org = user.organisation
    labels = dict(ServiceType.choices)
    reasons = dict(DeclineReason.choices)
    network, own = [], []
    for group, values in sorted(rows.items()):
        n = values.get("perf_n", 0)
        if n < aggregation.PERF_MIN:
            continue
        entry = {
            "n": n,
            "median_hours": values.get("perf_median_hours"),
            "late": round(100 * values.get("perf_late", 0) / n),
            "reassigned": round(100 * values.get("perf_reassigned", 0) / n),
            "declined": [(reasons.get(r, r), round(100 * c / n)) for r, c in values.get("declined", {}).items()],
        }
        if group.startswith("org"):
            org_id, service = group[3:].split("|")
            if user.role == Role.COORDINATOR or (org is not None and str(org.pk) == org_id):
                entry["service"] = labels.get(service, service)
                entry["organisation"] = org_id
                own.append(entry)
        else:
            service, province = group.split("|")
            entry["service"] = labels.get(service, service)
            entry["province"] = provinces.BY_CODE[province].name if province in provinces.BY_CODE else "—"
            network.append(entry)
    if own:
        names = dict(Organisation.objects.filter(pk__in={e["organisation"] for e in own}).values_list("pk", "name"))
        for entry in own:
            entry["organisation"] = names.get(int(entry["organisation"]), "")
    return {"network": network, "organisations": own}


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


def figure_labels() -> dict[str, str]:
    labels: dict[str, str] = {"cases.total": str(_("Cases counted (statistics consent)"))}
    for code, name in provinces.CHOICES:
        labels[f"origin.{code}"] = str(_("Cases from %(province)s") % {"province": name})
    labels[f"origin.{NOT_RECORDED}"] = str(_("Cases whose province of origin is not recorded"))
    for table in (
        "exploitation",
        "sector",
        "recruitment",
        "gender",
        "age",
        "risk",
        "requested",
        "provided",
        "challenges",
    ):
        title = BREAKDOWNS[table]
        for value, label in _labels(table).items():
            labels[f"{table}.{value}"] = f"{title}: {label}"
    return labels


def capacity_for_suggestions(organisation_ids: list[int], services: set[str]) -> dict[int, str]:
    """The worst fresh level among the requested services, per organisation (registered with referrals)."""
    order = {CapacityLevel.AVAILABLE: 0, CapacityLevel.LIMITED: 1, CapacityLevel.FULL: 2}
    found: dict[int, str] = {}
    for org_id, by_service in capacity_levels(organisation_ids).items():
        levels = [level for service, level in by_service.items() if service in services]
        if levels:
            found[org_id] = max(levels, key=lambda level: order.get(level, 0))  # type: ignore[call-overload]
    return found
