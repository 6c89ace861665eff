"""What members share with the network: challenges, posted needs and signals, capacity, referral performance."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.choices import Role, ServiceType
from accounts.models import Organisation, User
from core import provinces
from network import aggregation
from network.aggregation import NOW
from network.models import (
    Aggregate,
    CapacityLevel,
    CapacityStatus,
    Challenge,
    ModerationState,
    PostedNeed,
)
from network.selectors.figures import (
    _labels,
    _remember,
    default_period,
    now_table,
    province_table,
    refresh_marker,
    rule,
    service_series,
    unserved_figure,
)
from network.selectors.figures import (
    offers as offers_by_province,
)

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


def gaps(*, marker: str | None = None) -> list[dict[str, Any]]:
    """Province x service where referrals asked for a service this year and no active member there offers it. The
    same for every request until the next refresh or a change of what the members offer: kept under both."""
    period = default_period()
    marker = refresh_marker() if marker is None else marker
    offered = offers_by_province()
    offers = tuple(sorted((province, tuple(sorted(services))) for province, services in offered.items()))

    def build() -> list[dict[str, Any]]:
        table = province_table(period, "requested", marker=marker)
        labels = _labels("requested")
        found = []
        for code, name in provinces.CHOICES:
            for service in ServiceType.values:
                figure = table.cells[(code, service)]
                if (figure.hidden or figure.value) and service not in offered[code]:
                    found.append({"province": name, "service": labels[service], "requested": figure})
        return found

    return _remember((marker, rule(), period.code, "gaps", offers), build)  # type: ignore[arg-type]


def gap_texts(found: list[dict[str, Any]]) -> list[str]:
    """Each gap as its sentence in the active language (the needs page lists a few hundred: one template
    ``blocktranslate`` each cost more than the rest of the page)."""
    sentence = gettext("No member offers %(service)s in %(province)s (cases asking: %(n)s).")
    return [sentence % {"service": g["service"], "province": g["province"], "n": g["requested"]} for g in found]


def _declined_rows(marker: str) -> list[dict[str, Any]]:
    """Province x service declined for capacity or an unoffered service, shown or hidden: the same for every request
    until the next refresh (the labels are lazy, translated when shown)."""

    def build() -> list[dict[str, Any]]:
        declined = now_table("declined", marker=marker)
        labels = _labels("requested")
        rows = []
        for code, name in provinces.CHOICES:
            for service in ServiceType.values:
                figure = declined.cells[(code, service)]
                if figure.hidden or figure.value:
                    rows.append({"province": name, "service": labels[service], "figure": figure})
        return rows

    return _remember((marker, rule(), NOW, "declined-rows"), build)


def needs_signals(*, marker: str | None = None) -> dict[str, Any]:
    marker = refresh_marker() if marker is None else marker
    labels = _labels("requested")
    overdue = service_series("overdue", marker=marker)
    return {
        "declined": _declined_rows(marker),
        "overdue": [(labels[s], f) for s, f in overdue.values.items() if f.hidden or f.value],
        "unserved": unserved_figure(marker=marker),
        "gaps": gaps(marker=marker),  # in words: gap_texts (network_tables.gap_items)
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


def capacity_for_suggestions(organisation_ids: list[int], services: set[str]) -> dict[int, str]:
    """The worst fresh level among the requested services, per organisation (registered with referrals)."""
    order = {CapacityLevel.AVAILABLE: 0, CapacityLevel.LIMITED: 1, CapacityLevel.FULL: 2}
    found: dict[int, str] = {}
    for org_id, by_service in capacity_levels(organisation_ids).items():
        levels = [level for service, level in by_service.items() if service in services]
        if levels:
            found[org_id] = max(levels, key=lambda level: order.get(level, 0))  # type: ignore[call-overload]
    return found
