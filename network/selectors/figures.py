"""The network's figures under the disclosure rule: periods, refreshes, protected tables, the map, a province."""

from __future__ import annotations

import functools
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import connection
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from accounts.choices import Role, ServiceType
from accounts.models import Organisation, User
from core import provinces, sql
from core.memo import Memo
from network.aggregation import COLUMNS, MULTI_VALUED, NOT_RECORDED, NOW, PROVINCE_ROWS, TOTAL
from network.disclosure import Figure, Period, Rule, Series, Table, available_periods, protect_series, protect_table
from network.models import (
    Aggregate,
    RefreshRun,
)

MEMBER_ROLES = (Role.CASEWORKER, Role.COORDINATOR, Role.ADMIN)


def is_member(user: User) -> bool:
    return getattr(user, "role", None) in MEMBER_ROLES


def rule() -> Rule:
    return Rule.from_settings()


# --- Periods and refreshes -------------------------------------------------------------------------------------


def periods(today: date | None = None, *, marker: str | None = None) -> list[Period]:
    """The periods a member may choose, from the first year with figures. The first year changes only when a
    refresh replaces the aggregates: given the refresh's ``marker``, it is read once per process and refresh
    (before the first refresh, each time)."""
    today = today or timezone.localdate()

    def first_year() -> int:
        first = Aggregate.objects.exclude(period=NOW).order_by("period").values_list("period", flat=True).first()
        return int(first[:4]) if first else today.year

    year = _remember((marker, rule(), "", "first-year"), first_year) if marker else first_year()
    return available_periods(today, min(year, today.year))


def default_period(today: date | None = None) -> Period:
    return Period((today or timezone.localdate()).year)


@dataclass(frozen=True)
class RefreshState:
    """The newest finished refresh and the one queued or running now, if any: what every network page shows."""

    last: RefreshRun | None
    running: RefreshRun | None

    @property
    def marker(self) -> str:
        """Which refresh's rows the aggregate table holds now: its id and end ("" before the first)."""
        return f"{self.last.pk}@{self.last.finished_at}" if self.last is not None else ""


@functools.cache
def _refresh_statement(vendor: str) -> str:
    table, State = sql.table(RefreshRun), RefreshRun.State
    return (
        f"SELECT {', '.join(sql.columns(RefreshRun, 'r'))} FROM {table} r WHERE r.id = (SELECT id FROM {table}"  # noqa: S608 (names ours)
        f" WHERE state = {sql.literal(State.DONE)} ORDER BY finished_at DESC, id DESC LIMIT 1)"
        f" OR (r.state IN ({sql.literal(State.QUEUED)}, {sql.literal(State.RUNNING)}) AND r.requested_at >= %s)"
        " ORDER BY r.requested_at DESC, r.id DESC"
    )


def refresh_state() -> RefreshState:
    """One read for the whole state. A queued or running refresh older than an hour is taken as lost. Every network
    page asks this: written in SQL, since building the same statement with the ORM cost more than running it."""
    State = RefreshRun.State
    since = connection.ops.adapt_datetimefield_value(timezone.now() - timedelta(hours=1))
    found = sql.rows(_refresh_statement(connection.vendor), [since])
    runs = [sql.instance(RefreshRun, row) for row in found]
    return RefreshState(
        last=next((run for run in runs if run.state == State.DONE), None),
        running=next((run for run in runs if run.state in (State.QUEUED, State.RUNNING)), None),
    )


def last_refresh() -> RefreshRun | None:
    return refresh_state().last


def refresh_in_progress() -> RefreshRun | None:
    return refresh_state().running


def refresh_marker() -> str:
    return refresh_state().marker


# --- Protected tables ------------------------------------------------------------------------------------------


def _rows(period: str, table: str) -> QuerySet[Any]:
    return Aggregate.objects.filter(period=period, table=table).values_list("row", "col", "count")


# Protected tables change only when a refresh replaces the rows: they are kept per (refresh, rule, period, table),
# so that a page reads and protects a large table (destinations: 39 x 290) once per process and refresh.
_PROTECTED: Memo[Any] = Memo()


def _remember(key: tuple[str, Rule, str, str], build: Any) -> Any:
    return _PROTECTED.get(key, build)


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


def service_series(table: str, *, marker: str | None = None) -> Series:
    """A signal per service (period "now"): e.g. referrals past their deadline."""

    def build() -> Series:
        counts = {row: count for row, _col, count in _rows(NOW, table)}
        return protect_series(counts, list(ServiceType.values), rule())

    return _remember((refresh_marker() if marker is None else marker, rule(), NOW, table), build)


def now_table(table: str, *, marker: str | None = None) -> Table:
    """A signal per province and service (period "now"): e.g. referrals declined for lack of capacity."""

    def build() -> Table:
        cells, totals = {}, {}
        for row, col, count in _rows(NOW, table):
            if col == TOTAL:
                totals[row] = count
            else:
                cells[(row, col)] = count
        return protect_table(cells, PROVINCE_ROWS, list(ServiceType.values), rule(), row_totals=totals)

    return _remember((refresh_marker() if marker is None else marker, rule(), NOW, table), build)


def unserved_figure(*, marker: str | None = None) -> Figure:
    def build() -> Figure:
        count = next((c for _r, _c, c in _rows(NOW, "unserved")), 0)
        return protect_series({"all": count}, ["all"], rule()).total

    return _remember((refresh_marker() if marker is None else marker, rule(), NOW, "unserved"), build)


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


def map_view(metric: str, category: str, period: Period, *, marker: str | None = None) -> MapView:
    marker = refresh_marker() if marker is None else marker
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


def province_view(code: str, period: Period, *, marker: str | None = None) -> dict[str, Any]:
    """A province's breakdowns (only the rows with something to show) and its top routes, kept per refresh, rule,
    period and language like the tables they come from; what members offer there is read each time."""
    province = get_province(code)
    marker = refresh_marker() if marker is None else marker
    key = (marker, rule(), f"{period.code}:{code}:{translation.get_language()}", "province")
    return {**_remember(key, lambda: _province_view(code, period, marker)), "province": province,
            "offered": offered_services(code)}  # fmt: skip


def _province_view(code: str, period: Period, marker: str) -> dict[str, Any]:
    origin = origin_series(period, marker=marker)
    breakdowns = []
    for table, title in BREAKDOWNS.items():
        protected = province_table(period, table, marker=marker)
        labels = _labels(table)
        rows = [(labels.get(col, col), f) for col, f in protected.row(code) if f.hidden or f.value]
        # Tables about referrals, services and challenges count their own people (organisations) per province.
        total = protected.row_totals[code] if table in MULTI_VALUED - {"exploitation"} else origin.values[code]
        breakdowns.append({"key": table, "title": str(title), "rows": rows, "total": total})
    routes_table = province_table(period, "destination", marker=marker)
    shown = [(col, f) for col, f in routes_table.row(code) if f.value]
    shown.sort(key=lambda item: (-(item[1].value or 0), item[0]))
    hidden_routes = sum(1 for _col, f in routes_table.row(code) if f.hidden)
    return {
        "cases": origin.values[code],
        "breakdowns": breakdowns,
        "routes": [(destination_label(col), f) for col, f in shown[:10]],
        "routes_hidden": hidden_routes,
    }


def offers(province: str | None = None) -> dict[str, set[str]]:
    """What the active members offer, by province (one province, or all): read on every request that shows it (a
    change of what a member offers shows at once), in one statement written out. The ORM's reading of the same few
    rows cost a millisecond of query building and ordering, three times the statement."""
    field = Organisation._meta.get_field("services")
    statement = f"SELECT province, services FROM {sql.table(Organisation)} WHERE is_active"  # noqa: S608 (names)
    found: dict[str, set[str]] = defaultdict(set)
    params = [] if province is None else [province]
    for code, services in sql.rows(statement + ("" if province is None else " AND province = %s"), params):
        found[code] |= set(field.to_python(services))
    return found


def offered_services(code: str) -> list[str]:
    offered = offers(code)[code]
    return [str(label) for value, label in ServiceType.choices if value in offered]
