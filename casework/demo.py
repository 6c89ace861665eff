"""Demo cases for ``seed_demo``: obviously fictional people ("Contoh", "Rekaan"), numbers that belong to no one
(NIK serials 99xx, phones 0800 0000 xxxx), stories written for the demo."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.choices import Role, ServiceType
from accounts.models import Organisation, User
from casework import services
from casework.choices import (
    AgeBand,
    ClosureReason,
    ConsentGivenBy,
    ConsentKind,
    ExploitationType,
    Gender,
    IntakeChannel,
    LabourSector,
    MeansOfControl,
    RecruiterRelationship,
    RecruitmentMethod,
    RiskLevel,
    ServiceStatus,
    TraffickingStatus,
)
from casework.models import Case
from casework.rhythm import first_contact

FIRST_NAMES = [
    "Ani",
    "Budi",
    "Citra",
    "Dewi",
    "Eka",
    "Fitri",
    "Gita",
    "Hadi",
    "Intan",
    "Joko",
    "Kartini",
    "Lestari",
    "Maya",
    "Nur",
    "Oki",
    "Putri",
    "Rina",
    "Sari",
    "Tuti",
    "Wati",
]
FAMILY = ["Contoh", "Rekaan", "Fiktif", "Percontohan"]
STORIES = [
    (
        "Ditawari kerja sebagai pelayan restoran di luar negeri lewat iklan media sosial; sampai di sana "
        "dipaksa bekerja di sindikat penipuan daring, paspor ditahan. (cerita rekaan untuk demo)"
    ),
    (
        "Direkrut calo kampung untuk menjadi pekerja rumah tangga; gaji tidak dibayar selama delapan bulan dan tidak "
        "boleh keluar rumah. (cerita rekaan untuk demo)"
    ),
    (
        "Dijanjikan pekerjaan di kapal ikan; bekerja 20 jam sehari dengan utang yang terus bertambah. (cerita rekaan "
        "untuk demo)"
    ),
    (
        "Dibawa ke kota lain dengan janji pekerjaan di salon, lalu dieksploitasi secara seksual. (cerita rekaan untuk "
        "demo)"
    ),
]
PROFILES: list[dict[str, Any]] = [
    {
        "exploitation_types": [ExploitationType.ONLINE_SCAM_COMPOUND],
        "labour_sector": LabourSector.ONLINE_FRAUD,
        "destination_country": "KH",
        "recruitment_method": RecruitmentMethod.ONLINE_ADVERT,
        "means_of_control": [MeansOfControl.WITHHOLDS_DOCUMENTS, MeansOfControl.PHYSICAL_THREATS],
    },
    {
        "exploitation_types": [ExploitationType.FORCED_LABOUR],
        "labour_sector": LabourSector.DOMESTIC_WORK,
        "destination_country": "MY",
        "recruitment_method": RecruitmentMethod.LABOUR_AGENT,
        "means_of_control": [MeansOfControl.TAKES_EARNINGS, MeansOfControl.RESTRICTS_MOVEMENT],
    },
    {
        "exploitation_types": [ExploitationType.FORCED_LABOUR],
        "labour_sector": LabourSector.FISHING_AND_AQUACULTURE,
        "destination_country": "TW",
        "recruitment_method": RecruitmentMethod.FRIENDS_OR_SOCIAL,
        "means_of_control": [MeansOfControl.DEBT_BONDAGE, MeansOfControl.EXCESSIVE_WORKING_HOURS],
    },
    {
        "exploitation_types": [ExploitationType.SEXUAL_EXPLOITATION],
        "destination_country": "ID",
        "destination_province": "31",
        "recruitment_method": RecruitmentMethod.FAMILY,
        "means_of_control": [MeansOfControl.FALSE_PROMISES, MeansOfControl.PSYCHOLOGICAL_ABUSE],
    },
]
CASES_PER_ORGANISATION = 6


def seed(out: Any) -> None:
    rng = random.Random(2026)  # noqa: S311 - demo data, not security
    created = 0
    for organisation in Organisation.objects.filter(is_active=True).exclude(code="SEK").order_by("code"):
        caseworkers = list(
            User.objects.filter(
                membership__organisation=organisation, membership__role=Role.CASEWORKER, is_active=True
            ).order_by("username")
        )
        if not caseworkers or Case.objects.filter(owner=organisation).exists():
            continue
        with transaction.atomic():
            for number in range(CASES_PER_ORGANISATION):
                created += 1
                _demo_case(rng, organisation, caseworkers, number, created)
    out.write(f"Demo cases: {created} new.\n")


def _demo_case(
    rng: random.Random, organisation: Organisation, caseworkers: list[User], number: int, serial: int
) -> Case:
    actor = caseworkers[number % len(caseworkers)]
    today = timezone.localdate()
    profile = PROFILES[serial % len(PROFILES)]
    birth = date(1985 + serial % 20, 1 + serial % 12, 1 + serial % 27)
    female = serial % 3 != 0
    birth_digits = f"{birth.day + (40 if female else 0):02d}{birth.month:02d}{birth.year % 100:02d}"
    nik = f"{organisation.province}0101{birth_digits}99{serial:02d}"
    risk = [RiskLevel.HIGH, RiskLevel.MEDIUM, RiskLevel.LOW][serial % 3]
    summary = {
        **profile,
        "risk_level": risk,
        "gender": Gender.FEMININE if female else Gender.MASCULINE,
        "birth_year": birth.year,
        "intake_channel": [IntakeChannel.OUTREACH, IntakeChannel.HOTLINE, IntakeChannel.POLICE, IntakeChannel.NETWORK][
            serial % 4
        ],
        "intake_date": today - timedelta(days=3 * serial),
        "trafficking_status": [TraffickingStatus.POSSIBLE, TraffickingStatus.CONFIRMED][serial % 2],
        "recruiter_relationship": [RecruiterRelationship.ACQUAINTANCE, RecruiterRelationship.STRANGER][serial % 2],
        "origin_province": organisation.province,
    }
    summary["age_band"] = AgeBand.for_age(today.year - birth.year)
    if number == 0:
        # Falls due a few minutes after `make run` starts, so the reminders can be watched arriving.
        summary["next_follow_up"] = today
    elif number == 1:
        summary["next_follow_up"] = today - timedelta(days=4)
    else:
        summary["next_follow_up"] = first_contact(risk, today)
    name = f"{rng.choice(FIRST_NAMES)} {rng.choice(FAMILY)}"
    case = services.case_open(
        actor=actor,
        summary=summary,
        identity={
            "full_name": name,
            "aliases": [],
            "nik": nik,
            "passport": f"X{9900000 + serial}",
            "date_of_birth": birth.isoformat(),
        },
        contact={
            "phones": [f"0800 0000 {serial:04d}"],
            "address": f"Alamat rekaan no. {serial}, {organisation.get_province_display()}",
            "family_contact": "",
        },
        narrative=STORIES[serial % len(STORIES)],
        needs="Pendampingan psikososial dan pemulangan. (rekaan)",
        consents=[
            {"kind": ConsentKind.SERVICES, "given_on": summary["intake_date"], "given_by": ConsentGivenBy.PERSON},
            *(
                [{"kind": ConsentKind.SHARING, "given_on": summary["intake_date"], "given_by": ConsentGivenBy.PERSON}]
                if serial % 4
                else []
            ),
        ],
        is_restricted=number == 5 and len(caseworkers) > 1,
        named_users=[actor] if number == 5 else [],
    )
    services.note_add(
        actor=actor, case=case, body="Kontak pertama lewat telepon; kondisi stabil. (catatan rekaan)", shareable=True
    )
    services.service_record_add(
        actor=actor,
        case=case,
        service_type=ServiceType.PSYCHOSOCIAL,
        provider=organisation,
        status=ServiceStatus.IN_PROGRESS,
        started_on=summary["intake_date"],
    )
    if number == 4:
        services.case_close(actor=actor, case=case, expected_version=case.version, reason=ClosureReason.GOALS_MET)
    return case


def schedule_demo_reminders(out: Any) -> None:
    """So that `make run` shows reminders arriving: a few follow-ups fall due 2 and 4 minutes after start."""
    from casework.reminders import FOLLOW_UP_DUE
    from notifications import reminders

    now = timezone.now()
    cases = (
        Case.objects.exclude(status="closed")
        .filter(is_restricted=False, next_follow_up__isnull=False, owner__code__in=["YKT", "KPG"])
        .order_by("owner__code", "created_at")
    )
    chosen: dict[int, Case] = {}
    for case in cases:
        chosen.setdefault(case.owner_id, case)
    for minutes, case in zip((2, 4), chosen.values(), strict=False):
        reminders.schedule(
            kind=FOLLOW_UP_DUE,
            due_at=now + timedelta(minutes=minutes),
            dedupe_key=f"{case.pk}:demo:{now:%Y%m%d%H%M}",
            object_type="case",
            object_id=case.pk,
            object_ref=case.reference,
            params={"date": case.next_follow_up.isoformat() if case.next_follow_up else ""},
        )
        out.write(f"Demo reminder: follow-up of {case.reference} falls due in {minutes} minutes.\n")
