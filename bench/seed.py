"""Seed a large network: 50 organisations, 1,000 users, and cases with the structure ``services.case_open`` writes.

Organisations and users go through the real services (accounts.services). Cases are written with bulk_create in
batches, but each one carries what case_open would have written: ciphertexts under its own data key (casework.vault),
its wrapped CaseKey, blind indexes digested like ``services._reindex``, owner grants like ``access.grant_owner``
(the organisation's group, or named users for a restricted case), a history row by the caseworker who opened it, and
its consents with their history. Some cases also have a note, some are closed (a second history row).
``verify`` checks a sample against the real code: ciphertexts open, and ``_reindex`` writes the same digests.

Everyone is fictional: names end in "Contoh" or "Rekaan", NIK serials are 9xxx, phone numbers start 0800.
"""

from __future__ import annotations

import random
import time
from datetime import date, datetime, timedelta
from typing import Any

from django.contrib.auth.models import Permission
from django.db import connection, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from accounts.choices import OrganisationKind, Role, ServiceType
from accounts.models import Organisation, User
from accounts.services import organisation_create, system_user, user_create
from casework import crypto, services
from casework.access import CHANGE, FULL_VIEW
from casework.choices import (
    CHILD_BANDS,
    AgeBand,
    CaseStatus,
    ClosureReason,
    ConsentGivenBy,
    ConsentKind,
    Gender,
    IntakeChannel,
    RecruiterRelationship,
    RiskLevel,
    TraffickingStatus,
)
from casework.demo import FIRST_NAMES, PROFILES, STORIES
from casework.models import (
    BlindIndex,
    Case,
    CaseGroupObjectPermission,
    CaseKey,
    CaseNote,
    CaseSequence,
    CaseUserObjectPermission,
    Consent,
)
from casework.services import cases as cases_services
from casework.vault import CASE, NOTE, Vault
from core import provinces

ORGANISATIONS = 50  # one secretariat (coordinators and admins, no cases) and 49 that hold cases
USERS = 1000
COORDINATORS, ADMINS = 10, 5
SIZE_SPREAD = 20  # the largest organisation holds this many times the cases of the smallest
YEARS = 5  # cases were opened over the last five years
BATCH = 2000
SECOND_NAMES = [
    "Ayu", "Bagus", "Cahya", "Dian", "Endah", "Fajar", "Galih", "Hesti", "Indah", "Jaya",
    "Kurnia", "Lintang", "Mega", "Nanda", "Octa", "Prima", "Ratna", "Surya", "Tri", "Utami",
    "Wahyu", "Yanti", "Zahra", "Bintang", "Cempaka", "Dharma", "Eko", "Fauzi", "Gilang", "Hana",
]  # fmt: skip
FAMILY_NAMES = ["Contoh", "Rekaan"]
NOTE_TEXT = "Kontak lanjutan lewat telepon; kondisi stabil. (catatan rekaan)"


# --- The marker: what this database was seeded with --------------------------------------------------------------


def marker() -> dict[str, Any] | None:
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS bench_seed (cases integer, seconds real, seeded_at timestamptz)")
        cursor.execute("SELECT cases, seconds, seeded_at FROM bench_seed")
        row = cursor.fetchone()
    return None if row is None else {"cases": row[0], "seconds": row[1], "seeded_at": row[2].isoformat()}


def _mark(cases: int, seconds: float) -> None:
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO bench_seed VALUES (%s, %s, now())", [cases, seconds])


def ensure(cases: int, log: Any = print) -> dict[str, Any]:
    """Seed unless this database already holds a seed of this size. Returns the marker, with ``reused``."""
    found = marker()
    if found is not None:
        if found["cases"] != cases:
            raise SystemExit(
                f"The bench database holds a seed of {found['cases']:,} cases, not {cases:,}. "
                "Pass --reseed to drop it and seed again."
            )
        return {**found, "reused": True}
    if Organisation.objects.exists():
        raise SystemExit("The bench database holds an unfinished seed. Pass --reseed to drop it and seed again.")
    started = time.perf_counter()
    seed(cases, log)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")  # statistics for the planner (autovacuum may be off, or late)
    seconds = time.perf_counter() - started
    _mark(cases, seconds)
    verify(log)
    return {**(marker() or {}), "reused": False}


# A table is vacuumed before the pages are measured once this many of its rows changed since its last vacuum or
# analysis (autovacuum's own rule with its default scale factors, tightened: 1,000 rows and 5 %).
STALE_ROWS, STALE_SHARE = 1000, 0.05


def stale_tables(stats: list[tuple[str, int, int, int]]) -> list[str]:
    """Of (table, live rows, dead rows, rows changed since the last analysis), the tables to vacuum and analyse."""
    return sorted(name for name, live, dead, changed in stats if max(dead, changed) > STALE_ROWS + STALE_SHARE * live)


def settle(log: Any = print) -> list[str]:
    """VACUUM (ANALYZE) the tables that earlier runs changed (the jobs move ten thousand follow-ups back and forth,
    every intake adds a case), as autovacuum would have done by now on a production server: where it is off (as on
    this kind of machine) or behind, the pages are measured against stale visibility maps and statistics, their
    index-only scans reading the heap (the home's figures and the case list a third slower at the database).
    Returns the tables vacuumed."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT relname, n_live_tup, n_dead_tup, n_mod_since_analyze FROM pg_stat_user_tables")
        stale = stale_tables(cursor.fetchall())
        for table in stale:
            cursor.execute(f"VACUUM (ANALYZE) {connection.ops.quote_name(table)}")
        cursor.execute("SHOW autovacuum")
        (autovacuum,) = cursor.fetchone()
    if stale:
        log(f"Vacuumed and analysed {len(stale)} tables changed since (autovacuum {autovacuum}): {', '.join(stale)}")
    return stale


# --- Organisations and people ------------------------------------------------------------------------------------


def _code(number: int) -> str:
    return "BN" + chr(65 + number // 26) + chr(65 + number % 26)


def _organisations(actor: User) -> list[Organisation]:
    kinds = [kind for kind in OrganisationKind.values if kind != OrganisationKind.TASK_FORCE]
    services_offered = ServiceType.values
    organisations = [
        organisation_create(
            actor=actor,
            name="Sekretariat Jaringan Rekaan",
            code=_code(0),
            kind=OrganisationKind.TASK_FORCE,
            province="31",
        )
    ]
    for number in range(1, ORGANISATIONS):
        organisations.append(
            organisation_create(
                actor=actor,
                name=f"Yayasan Rekaan {number:02d}",
                code=_code(number),
                kind=kinds[number % len(kinds)],
                province=provinces.PROVINCES[number % len(provinces.PROVINCES)].code,
                services=services_offered[number % 5 :: 4],
            )
        )
    return organisations


def _users(actor: User, organisations: list[Organisation]) -> dict[int, list[User]]:
    """Coordinators and admins at the secretariat; every other user a caseworker, spread evenly."""
    secretariat, holders = organisations[0], organisations[1:]
    caseworkers: dict[int, list[User]] = {org.pk: [] for org in holders}
    for number in range(USERS):
        if number < COORDINATORS + ADMINS:
            organisation, role = secretariat, Role.COORDINATOR if number < COORDINATORS else Role.ADMIN
        else:
            organisation, role = holders[number % len(holders)], Role.CASEWORKER
        username = f"bench.{role}.{number:04d}"
        user = user_create(
            actor=actor,
            username=username,
            email=f"{username}@bench.jejaring.invalid",
            password=None,  # sessions are made directly; nobody signs in with a password
            organisation=organisation,
            role=role,
            first_name=FIRST_NAMES[number % len(FIRST_NAMES)],
            last_name="Rekaan",
        )
        if role == Role.CASEWORKER:
            caseworkers[organisation.pk].append(user)
    return caseworkers


def _sizes(total: int, count: int) -> list[int]:
    """Case counts per organisation, from small to SIZE_SPREAD times larger, summing to ``total``."""
    weights = [SIZE_SPREAD ** (i / (count - 1)) for i in range(count)]
    sizes = [int(total * w / sum(weights)) for w in weights]
    sizes[-1] += total - sum(sizes)
    return sizes


# --- Cases -------------------------------------------------------------------------------------------------------


def seed(total: int, log: Any = print) -> None:
    rng = random.Random(2026)
    started = time.perf_counter()
    actor = system_user()
    organisations = _organisations(actor)
    caseworkers = _users(actor, organisations)
    log(f"  {len(organisations)} organisations, {USERS} users in {time.perf_counter() - started:.0f} s")
    perms = list(Permission.objects.filter(content_type__app_label="casework", codename__in=[FULL_VIEW, CHANGE]))
    now = timezone.now()
    serial = 0
    holders = organisations[1:]
    for position, (organisation, size) in enumerate(zip(holders, _sizes(total, len(holders)), strict=True)):
        stamps = sorted(now - timedelta(seconds=rng.uniform(3600, YEARS * 365 * 86400)) for _ in range(size))
        numbers: dict[int, int] = {}
        for start in range(0, size, BATCH):
            with transaction.atomic():
                batch = _Batch(rng, organisation, caseworkers[organisation.pk], perms)
                for created in stamps[start : start + BATCH]:
                    year = timezone.localtime(created).year
                    numbers[year] = numbers.get(year, 0) + 1
                    batch.add(serial, created, f"{organisation.code}-{year}-{numbers[year]:04d}")
                    serial += 1
                batch.write()
        CaseSequence.objects.bulk_create(
            CaseSequence(organisation=organisation, year=year, last=last) for year, last in numbers.items()
        )
        if (position + 1) % 7 == 0:
            log(f"  {serial:,} cases in {time.perf_counter() - started:.0f} s")


class _Batch:
    """The rows of up to BATCH cases of one organisation, written together."""

    def __init__(self, rng: random.Random, organisation: Organisation, staff: list[User], perms: list[Any]) -> None:
        self.rng, self.organisation, self.staff, self.perms = rng, organisation, staff, perms
        self.cases: list[Case] = []
        self.closed: list[Case] = []
        self.keys: list[CaseKey] = []
        self.indexes: list[BlindIndex] = []
        self.group_grants: list[CaseGroupObjectPermission] = []
        self.user_grants: list[CaseUserObjectPermission] = []
        self.consents: list[Consent] = []
        self.notes: list[CaseNote] = []

    def add(self, serial: int, created: datetime, reference: str) -> None:
        rng, actor = self.rng, self.rng.choice(self.staff)
        identity, contact, summary = _person(rng, serial, self.organisation, created)
        case = Case(
            reference=reference,
            owner=self.organisation,
            assigned_to=actor,
            created_by=actor,
            created_at=created,
            last_activity_at=created,
            is_restricted=rng.random() < 0.03,
            **summary,
        )
        vault = Vault.new(case.pk)
        cases_services._seal_sensitive(
            vault, case, identity=identity, contact=contact, narrative=rng.choice(STORIES), needs=_needs(rng)
        )
        case._history_user, case._history_date = actor, created  # type: ignore[attr-defined]
        self.cases.append(case)
        wrapped = vault._wrapped or ""
        self.keys.append(CaseKey(case=case, wrapped=wrapped, master_key_id=crypto.master_key_id_of(wrapped)))
        self.indexes += [
            BlindIndex(case=case, owner_id=case.owner_id, kind=k, digest=d) for k, d in digests(identity, contact)
        ]
        if case.is_restricted:  # granted to named caseworkers (the one who opened it and a colleague), not the group
            for user in {actor, rng.choice(self.staff)}:
                self.user_grants += [
                    CaseUserObjectPermission(content_object=case, user=user, permission=p) for p in self.perms
                ]
        else:
            group = self.organisation.group_id
            self.group_grants += [
                CaseGroupObjectPermission(content_object=case, group_id=group, permission=p, case_created_at=created)
                for p in self.perms
            ]
        self._consents(case, actor)
        if rng.random() < 0.2:
            self._note(case, vault, actor, created + timedelta(days=rng.randint(1, 60)))
        age_days = (timezone.now() - created).days
        if rng.random() < (0.6 if age_days > 365 else 0.15):
            self.closed.append(case)

    def _consents(self, case: Case, actor: User) -> None:
        given_by = ConsentGivenBy.GUARDIAN if case.age_band in CHILD_BANDS else ConsentGivenBy.PERSON
        kinds = [ConsentKind.SERVICES] + ([ConsentKind.SHARING] if self.rng.random() < 0.75 else [])
        for kind in kinds:
            consent = Consent(case=case, kind=kind, given_on=case.intake_date, given_by=given_by, recorded_by=actor)
            consent._history_user, consent._history_date = actor, case.created_at  # type: ignore[attr-defined]
            self.consents.append(consent)

    def _note(self, case: Case, vault: Vault, actor: User, written: datetime) -> None:
        written = min(written, timezone.now())
        note = CaseNote(case=case, author=actor, created_at=written, shareable=self.rng.random() < 0.5)
        note.body_enc = vault.seal(NOTE, "body_enc", note.pk, NOTE_TEXT)
        note._history_user, note._history_date = actor, written  # type: ignore[attr-defined]
        self.notes.append(note)
        case.last_activity_at = written  # services.case_touch

    def write(self) -> None:
        # The opening history rows record each case as case_open saved it; closed cases then get a second row.
        Case.history.bulk_history_create(self.cases, default_change_reason=None)  # type: ignore[attr-defined]
        for case in self.closed:
            case.status, case.closure_reason = CaseStatus.CLOSED, self.rng.choice(ClosureReason.values)
            case.next_follow_up, case.version = None, 2
            case._history_date = min(case.created_at + timedelta(days=self.rng.randint(30, 400)), timezone.now())  # type: ignore[attr-defined]
            case._change_reason = "closed"  # type: ignore[attr-defined]
        Case.history.bulk_history_create(self.closed, update=True)  # type: ignore[attr-defined]
        Case.objects.bulk_create(self.cases)
        CaseKey.objects.bulk_create(self.keys)
        BlindIndex.objects.bulk_create(self.indexes)
        CaseGroupObjectPermission.objects.bulk_create(self.group_grants)
        CaseUserObjectPermission.objects.bulk_create(self.user_grants)
        bulk_create_with_history(self.consents, Consent)
        bulk_create_with_history(self.notes, CaseNote)


def digests(identity: dict[str, Any], contact: dict[str, Any]) -> set[tuple[str, str]]:
    """The (kind, digest) pairs ``services._reindex`` writes for this identity and contact (``verify`` checks it)."""
    found: set[tuple[str, str]] = set()
    if identity.get("nik"):
        found.add((BlindIndex.Kind.NIK, crypto.blind_index("nik", crypto.normalise_nik(identity["nik"]))))
    if identity.get("passport"):
        passport = crypto.normalise_passport(identity["passport"])
        found.add((BlindIndex.Kind.PASSPORT, crypto.blind_index("passport", passport)))
    for phone in contact.get("phones", []):
        found.add((BlindIndex.Kind.PHONE, crypto.blind_index("phone", crypto.normalise_phone(phone))))
    for token in crypto.name_tokens(" ".join([identity.get("full_name", ""), *identity.get("aliases", [])])):
        found.add((BlindIndex.Kind.NAME, crypto.blind_index("name", token)))
    return found


def _person(
    rng: random.Random, serial: int, organisation: Organisation, created: datetime
) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """A fictional person: identity, contact details and the non-identifying summary, consistent with each other."""
    intake = timezone.localtime(created).date()
    birth = date(rng.randint(1962, intake.year - 8), rng.randint(1, 12), rng.randint(1, 28))
    gender = rng.choices([Gender.FEMININE, Gender.MASCULINE, Gender.UNKNOWN], [65, 33, 2])[0]
    day = birth.day + (40 if gender == Gender.FEMININE else 0)
    # Province, four digits from the serial (so that every NIK is unique), DDMMYY, then a 9xxx serial.
    born = f"{day:02d}{birth.month:02d}{birth.year % 100:02d}"
    nik = f"{organisation.province}{serial // 1000 % 10000:04d}{born}9{serial % 1000:03d}"
    first, second, family = rng.choice(FIRST_NAMES), rng.choice(SECOND_NAMES), rng.choice(FAMILY_NAMES)
    identity = {
        "full_name": f"{first} {second} {family}",
        "aliases": [f"{first} {family}"] if rng.random() < 0.1 else [],
        "nik": nik,
        "passport": f"X{90000000 + serial}" if rng.random() < 0.3 else "",
        "date_of_birth": birth.isoformat(),
    }
    phones = [f"0800 9{serial:07d}"] + ([f"0800 8{serial:07d}"] if rng.random() < 0.2 else [])
    province_name = provinces.BY_CODE[organisation.province].name
    contact = {
        "phones": phones,
        "address": f"Jalan Rekaan no. {serial % 200 + 1}, {province_name}",
        "family_contact": "Kakak, lewat kepala desa (rekaan)" if rng.random() < 0.5 else "",
    }
    profile = rng.choice(PROFILES)
    risk = rng.choice(RiskLevel.values)
    summary = {
        **profile,
        "status": rng.choice([CaseStatus.OPEN, CaseStatus.ACTIVE, CaseStatus.ACTIVE, CaseStatus.FOLLOW_UP]),
        "risk_level": risk,
        "intake_channel": rng.choice(IntakeChannel.values),
        "intake_date": intake,
        "trafficking_status": rng.choice(TraffickingStatus.values),
        "recruiter_relationship": rng.choice(RecruiterRelationship.values),
        "origin_province": organisation.province,
        "gender": gender,
        "birth_year": birth.year,
        "age_band": AgeBand.for_age(intake.year - birth.year),
        "next_follow_up": timezone.localdate() + timedelta(days=rng.randint(-20, 40)),
    }
    return identity, contact, summary


def _needs(rng: random.Random) -> str:
    return rng.choice(["Pendampingan psikososial dan pemulangan.", "Bantuan hukum dan dokumen.", ""]) + " (rekaan)"


# --- Verification against the real code ----------------------------------------------------------------------


class _Rollback(Exception):
    pass


def verify(log: Any = print, sample: int = 25) -> None:
    """Open every ciphertext of a sample of cases, and check that ``services._reindex`` writes the same digests."""
    for case in Case.objects.order_by("?")[:sample]:
        vault = Vault.for_case(case)
        identity = vault.open_json(CASE, "identity_enc", case.pk, case.identity_enc)
        contact = vault.open_json(CASE, "contact_enc", case.pk, case.contact_enc)
        vault.open(CASE, "narrative_enc", case.pk, case.narrative_enc)
        for history in Case.history.filter(id=case.pk):  # type: ignore[attr-defined]
            vault.open_json(CASE, "identity_enc", case.pk, history.identity_enc)
        for note in CaseNote.objects.filter(case=case):
            vault.open(NOTE, "body_enc", note.pk, note.body_enc)
        seeded = set(BlindIndex.objects.filter(case=case).values_list("kind", "digest"))
        try:
            with transaction.atomic():
                services._reindex(case, identity, contact)
                rebuilt = set(BlindIndex.objects.filter(case=case).values_list("kind", "digest"))
                raise _Rollback
        except _Rollback:
            pass
        if seeded != rebuilt or not identity.get("nik"):
            raise SystemExit(f"seeded blind indexes of {case.reference} differ from services._reindex")
    log(f"  verified {sample} cases: ciphertexts open, blind indexes match services._reindex")
