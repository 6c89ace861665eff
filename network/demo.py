"""Demo data for the network pages: several hundred fictional, statistics-consented cases spread over the provinces
so that some cells pass k and others do not, a few challenges and posted needs, capacity statuses, and one frozen
report; the aggregates are refreshed at the end. Every person here is invented ("Statistik Rekaan")."""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.choices import Role
from accounts.models import Organisation, User
from casework import services as case_services
from casework.choices import (
    AgeBand,
    ConsentGivenBy,
    ConsentKind,
    ExploitationType,
    Gender,
    LabourSector,
    RecruitmentMethod,
    RiskLevel,
)
from network import services
from network.disclosure import Period
from network.models import CapacityLevel, CapacityStatus, QuarterlyReport

CASES = 420
# Where the fictional people come from: a few provinces carry most cases (cells above k), the rest few (below k).
ORIGINS = {"53": 110, "52": 80, "33": 55, "32": 45, "35": 35, "61": 25, "18": 12, "73": 12}
RARE = ["11", "12", "13", "36", "51", "64", "71", "81", "91", "94"]
PATTERNS: list[dict[str, Any]] = [
    {"exploitation_types": [ExploitationType.FORCED_LABOUR], "labour_sector": LabourSector.DOMESTIC_WORK,
     "recruitment_method": RecruitmentMethod.LABOUR_AGENT, "destination_country": "MY"},
    {"exploitation_types": [ExploitationType.FORCED_LABOUR], "labour_sector": LabourSector.FISHING_AND_AQUACULTURE,
     "recruitment_method": RecruitmentMethod.LABOUR_AGENT, "destination_country": "TW"},
    {"exploitation_types": [ExploitationType.ONLINE_SCAM_COMPOUND], "labour_sector": LabourSector.ONLINE_FRAUD,
     "recruitment_method": RecruitmentMethod.ONLINE_ADVERT, "destination_country": "KH"},
    {"exploitation_types": [ExploitationType.SEXUAL_EXPLOITATION], "labour_sector": LabourSector.HOSPITALITY,
     "recruitment_method": RecruitmentMethod.FRIENDS_OR_SOCIAL, "destination_province": "31"},
    {"exploitation_types": [ExploitationType.FORCED_LABOUR, ExploitationType.SERVITUDE],
     "labour_sector": LabourSector.DOMESTIC_WORK, "recruitment_method": RecruitmentMethod.FAMILY,
     "destination_country": "SA"},
]  # fmt: skip
WEIGHTS = [40, 20, 20, 12, 8]
CHALLENGES = [
    ("KPG", "no_shelter", "53", "Rumah aman di Kupang penuh hampir sepanjang kuartal; korban dititipkan di rumah "
     "keluarga pendamping. (contoh rekaan)", True),
    ("MTR", "restitution_unpaid", "52", "Putusan restitusi tidak dibayar pelaku; belum ada mekanisme penyitaan "
     "aset. (contoh rekaan)", False),
    ("PTK", "civil_documents", "61", "Korban pulang tanpa KTP; penerbitan ulang butuh waktu berminggu-minggu. "
     "(contoh rekaan)", False),
    ("YKT", "online_recruitment", "33", "Lowongan palsu di media sosial menyasar lulusan SMK. (contoh rekaan)", True),
]  # fmt: skip
NEEDS = [
    (
        "YKT",
        "shelter",
        "34",
        "high",
        "Butuh rumah aman sementara untuk dua perempuan dewasa minggu ini. (rekaan)",
        True,
    ),
    ("MTR", "repatriation", "52", "medium", "Biaya pemulangan dari Malaysia untuk tiga orang. (rekaan)", True),
    ("SBY", "psychosocial", "35", "low", "Konselor berbahasa Madura untuk pendampingan lanjutan. (rekaan)", False),
]


def _caseworker(code: str) -> User | None:
    return (
        User.objects.filter(membership__organisation__code=code, membership__role=Role.CASEWORKER, is_active=True)
        .order_by("username")
        .first()
    )


def _user(username: str) -> User | None:
    return User.objects.filter(username=username).first()


def seed(out: Any) -> None:
    if QuarterlyReport.objects.exists():
        return
    coordinator = _user("koordinator.satu")
    members = [
        (org, worker)
        for org in Organisation.objects.filter(is_active=True).exclude(code="SEK").order_by("code")
        if (worker := _caseworker(org.code)) is not None
    ]
    if not members or coordinator is None:
        return
    rng = random.Random(11)  # noqa: S311 - demo data, not security
    today = timezone.localdate()
    origins = [code for code, n in ORIGINS.items() for _ in range(n)]
    origins += [rng.choice(RARE) for _ in range(CASES - len(origins))]
    bands = [AgeBand.ADULT_18_24, AgeBand.ADULT_25_34, AgeBand.ADULT_35_49, AgeBand.CHILD_12_17, AgeBand.ADULT_50_PLUS]
    with transaction.atomic():
        for number, origin in enumerate(origins):
            _org, actor = members[number % len(members)]
            band = rng.choices(bands, weights=[35, 35, 15, 10, 5])[0]
            intake = today - timedelta(days=rng.randrange(0, 460))
            child = band == AgeBand.CHILD_12_17
            case_services.case_open(
                actor=actor,
                summary={
                    **rng.choices(PATTERNS, weights=WEIGHTS)[0],
                    "origin_province": origin,
                    "age_band": band,
                    "gender": Gender.FEMININE if rng.random() < 0.7 else Gender.MASCULINE,
                    "risk_level": rng.choice(list(RiskLevel.values)),
                    "intake_date": intake,
                },
                identity={"full_name": f"Statistik Rekaan {number + 1}", "aliases": []},
                contact={"phones": []},
                consents=[
                    {
                        "kind": ConsentKind.STATISTICS,
                        "given_on": intake,
                        "given_by": ConsentGivenBy.GUARDIAN if child else ConsentGivenBy.PERSON,
                    }
                ],
            )
    quarter = Period.quarter_of(today)
    for code, category, province, text, named in CHALLENGES:
        reporter = _caseworker(code)
        if reporter is None:
            continue
        challenge = services.challenge_report(
            actor=reporter, category=category, province=province, period=quarter.code, description=text, named=named
        )
        services.challenge_moderate(actor=coordinator, challenge=challenge, approve=True)
    posted = []
    for code, service, province, urgency, text, approve in NEEDS:
        poster = _caseworker(code)
        if poster is None:
            continue
        need = services.need_post(
            actor=poster,
            service=service,
            province=province,
            urgency=urgency,
            expires_on=today + timedelta(days=14),
            text=text,
        )
        if approve:
            posted.append(services.need_moderate(actor=coordinator, need=need, approve=True))
    helper = _caseworker("KPG")
    if posted and helper is not None:
        services.need_offer(actor=helper, need=posted[0])
    levels = [CapacityLevel.AVAILABLE, CapacityLevel.LIMITED, CapacityLevel.FULL]
    for index, (organisation, worker) in enumerate(members):
        for offset, service in enumerate(organisation.services):
            services.capacity_set(actor=worker, service=service, level=levels[(index + offset) % 3])
        if index == 0:  # one organisation has let its statuses go out of date
            CapacityStatus.objects.filter(organisation=organisation).update(
                updated_at=timezone.now() - timedelta(days=20)
            )
    services.aggregates_refresh()
    closed = Period.quarter_of(quarter.start - timedelta(days=1))
    report = services.report_freeze(actor=coordinator, period=closed.code)
    out.write(
        f"Network: {len(origins)} statistics cases, aggregates refreshed, report {report.period} frozen "
        "(an admin approves its release).\n"
    )
