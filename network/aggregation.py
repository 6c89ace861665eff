"""Counting: the network's raw counts, rebuilt from the statistics selectors of casework and referrals.

Nothing here decrypts, and nothing here is shown: ``compute()`` returns raw counts for ``Aggregate`` rows; pages pass
them through network/disclosure.py. Only statistics-consented cases count (the selectors say so).

Tables (``table`` -> rows x columns):
- every case table has the origin province as its rows (the 38 codes, then "" for not recorded) and the number of
  cases per province as its row totals (column "*");
- ``origin`` has only those totals; ``exploitation`` (several per case), ``sector``, ``recruitment``, ``gender``,
  ``age``, ``risk`` and ``destination`` (a country, or "ID-<province>" when domestic) have one column per category;
- ``requested`` / ``provided`` / ``outcome``: distinct cases per province and service requested in a referral sent in
  the period, per service given (in progress or completed), per referral status;
- ``challenges``: distinct organisations reporting an approved challenge, per province and category;
- period "now" holds the needs signals: ``declined`` (receiving organisation's province x service, last 30 days,
  declined for lack of capacity or because the service is not offered), ``overdue`` (service, open past deadline),
  ``unserved`` (high-risk open cases with no service for 48 hours), and ``perf_*`` for referral performance.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from django.utils import timezone

from accounts.choices import ServiceType
from casework import selectors as case_selectors
from casework.choices import (
    AgeBand,
    ExploitationType,
    Gender,
    LabourSector,
    RecruitmentMethod,
    RiskLevel,
    ServiceStatus,
)
from core import provinces
from core.geography import COUNTRY_CODES
from network.disclosure import Period, periods_of
from network.models import ChallengeCategory
from referrals import selectors as referral_selectors
from referrals.choices import DeclineReason, ReferralStatus

NOW = "now"  # the period of the needs signals: "as of the last refresh"
TOTAL = "*"
NOT_RECORDED = ""
PROVINCE_ROWS: list[str] = [code for code, _name in provinces.CHOICES] + [NOT_RECORDED]

DESTINATIONS: list[str] = (
    [f"ID-{code}" for code, _name in provinces.CHOICES] + [c for c in COUNTRY_CODES if c != "ID"] + [NOT_RECORDED]
)
COLUMNS: dict[str, list[str]] = {
    "exploitation": list(ExploitationType.values),
    "sector": [*LabourSector.values, NOT_RECORDED],
    "recruitment": [*RecruitmentMethod.values, NOT_RECORDED],
    "gender": list(Gender.values),
    "age": list(AgeBand.values),
    "risk": list(RiskLevel.values),
    "destination": DESTINATIONS,
    "requested": list(ServiceType.values),
    "provided": list(ServiceType.values),
    "outcome": list(ReferralStatus.values),
    "challenges": list(ChallengeCategory.values),
}
MULTI_VALUED = {"exploitation", "requested", "provided", "outcome", "challenges"}
CASE_DIMENSIONS = {
    "sector": "labour_sector",
    "recruitment": "recruitment_method",
    "gender": "gender",
    "age": "age_band",
    "risk": "risk_level",
}
GIVEN = {ServiceStatus.IN_PROGRESS, ServiceStatus.COMPLETED}
SIGNAL_DAYS = 30
UNSERVED_HOURS = 48
PERF_MIN = 11  # referrals behind a performance figure

Key = tuple[str, str, str, str]  # period, table, row, col


def destination_of(row: dict[str, Any]) -> str:
    country, province = row["destination_country"], row["destination_province"]
    if province and country in ("", "ID"):
        return f"ID-{province}"
    return country if country and country != "ID" else NOT_RECORDED


def _periods(day: date) -> list[str]:
    return [p.code for p in periods_of(day)]


def _day(value: date | datetime) -> date:
    return timezone.localdate(value) if isinstance(value, datetime) else value


def compute(*, challenges: Iterable[dict[str, Any]] = (), now: datetime | None = None) -> tuple[dict[Key, int], int]:
    """Every raw count, and the number of cases counted."""
    now = now or timezone.now()
    counts: Counter[Key] = Counter()
    origin_of: dict[Any, str] = {}
    cases = 0
    for row in case_selectors.statistics_case_rows().iterator(chunk_size=5000):
        cases += 1
        province = row["origin_province"] or NOT_RECORDED
        origin_of[row["id"]] = province
        for period in _periods(row["intake_date"]):
            counts[(period, "origin", province, TOTAL)] += 1
            for table, fieldname in CASE_DIMENSIONS.items():
                counts[(period, table, province, row[fieldname] or NOT_RECORDED)] += 1
            for kind in set(row["exploitation_types"] or []):
                counts[(period, "exploitation", province, kind)] += 1
            counts[(period, "destination", province, destination_of(row))] += 1

    distinct: dict[Key, set[Any]] = defaultdict(set)
    perf: dict[str, list[dict[str, Any]]] = defaultdict(list)
    since = now - timedelta(days=SIGNAL_DAYS)
    for ref in referral_selectors.statistics_referral_rows().iterator(chunk_size=5000):
        province = ref["case__origin_province"] or NOT_RECORDED
        case_id = ref["case_id"]
        for period in _periods(_day(ref["sent_at"])):
            for service in set(ref["services"] or []):
                distinct[(period, "requested", province, service)].add(case_id)
            distinct[(period, "requested", province, TOTAL)].add(case_id)
            distinct[(period, "outcome", province, ref["status"])].add(case_id)
            distinct[(period, "outcome", province, TOTAL)].add(case_id)
        to_province = ref["to_org__province"] or NOT_RECORDED
        if (
            ref["status"] == ReferralStatus.DECLINED
            and ref["decline_reason"] in (DeclineReason.NO_CAPACITY, DeclineReason.SERVICE_NOT_OFFERED)
            and ref["answered_at"]
            and ref["answered_at"] >= since
        ):
            for service in ref["services"] or []:
                distinct[(NOW, "declined", to_province, service)].add(case_id)
                distinct[(NOW, "declined", to_province, TOTAL)].add(case_id)
        if ref["status"] == ReferralStatus.SENT and ref["deadline"] < now:
            for service in ref["services"] or []:
                distinct[(NOW, "overdue", service, TOTAL)].add(case_id)
        for service in ref["services"] or []:
            perf[f"{service}|{to_province}"].append(ref)
            perf[f"org{ref['to_org_id']}|{service}"].append(ref)

    for service in case_selectors.statistics_service_rows().iterator(chunk_size=5000):
        if service["status"] not in GIVEN:
            continue
        day = service["started_on"] or _day(service["recorded_at"])
        province = origin_of.get(service["case_id"], NOT_RECORDED)
        for period in _periods(day):
            distinct[(period, "provided", province, service["service_type"])].add(service["case_id"])
            distinct[(period, "provided", province, TOTAL)].add(service["case_id"])

    for challenge in challenges:
        quarter = Period.parse(challenge["period"])
        for code in {quarter.code, str(quarter.year)}:
            distinct[(code, "challenges", challenge["province"], challenge["category"])].add(
                challenge["organisation_id"]
            )
            distinct[(code, "challenges", challenge["province"], TOTAL)].add(challenge["organisation_id"])

    for key, members in distinct.items():
        counts[key] = len(members)
    counts[(NOW, "unserved", TOTAL, TOTAL)] = case_selectors.high_risk_unserved_count(hours=UNSERVED_HOURS)
    counts.update(_performance(perf))
    return {key: value for key, value in counts.items() if value}, cases


def _performance(groups: dict[str, list[dict[str, Any]]]) -> dict[Key, int]:
    """Per service and receiving province, and per receiving organisation and service: referrals, median hours to
    an answer, declined by reason, past the deadline, reassigned. Only groups of at least PERF_MIN referrals."""
    out: dict[Key, int] = {}
    for group, refs in groups.items():
        unique = {r["id"]: r for r in refs}.values()
        if len(unique) < PERF_MIN:
            continue
        answered = [(r["answered_at"] - r["sent_at"]).total_seconds() / 3600 for r in unique if r["answered_at"]]
        out[(NOW, "perf_n", group, TOTAL)] = len(unique)
        if answered:
            out[(NOW, "perf_median_hours", group, TOTAL)] = round(statistics.median(answered))
        late = sum(
            1
            for r in unique
            if (r["answered_at"] and r["answered_at"] > r["deadline"])
            or (not r["answered_at"] and r["status"] == ReferralStatus.SENT and r["deadline"] < timezone.now())
        )
        out[(NOW, "perf_late", group, TOTAL)] = late
        out[(NOW, "perf_reassigned", group, TOTAL)] = sum(1 for r in unique if r["status"] == ReferralStatus.REASSIGNED)
        for reason, n in Counter(r["decline_reason"] for r in unique if r["status"] == ReferralStatus.DECLINED).items():
            out[(NOW, "perf_declined", group, reason or "other")] = n
    return {k: v for k, v in out.items() if v}
