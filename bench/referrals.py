"""Referrals in the seeded network: seed 50,000 once, and gather what the referral pages ask for.

Referrals are written with bulk_create in batches, each with what ``referrals.services`` would have written by the
time it reached its status: the reason (and an override's reason) encrypted under the case's own data key, the
case's consent to sharing (or ``consent_override`` for the few cases without one), a reference ``<case>/R<n>``, a
timeline (ReferralEvent rows: sent, accepted, updates, declined, completed, cancelled; notes encrypted), history rows
by the people who acted, and for accepted referrals the receiving organisation's grants on the shared sections
(``grants_sync``: the union of its accepted referrals' sections, plus the summary). ``verify`` checks a sample
against the real code. Chaser reminders are not seeded (the reminders job brings its own outbox rows).
"""

from __future__ import annotations

import random
import threading
import time
import uuid
from collections import Counter, defaultdict
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import Permission
from django.db import connection, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from accounts.choices import OrganisationKind, Role, ServiceType
from accounts.models import Organisation, User
from casework.access import SECTION_PERMISSIONS, SHAREABLE_SECTIONS
from casework.choices import CaseStatus, ConsentKind
from casework.models import Case, CaseGroupObjectPermission, CaseKey, Consent, Section
from casework.vault import Vault
from referrals import selectors, services
from referrals.choices import DeclineReason, EventKind, Outcome, ReferralStatus, Urgency
from referrals.models import Referral, ReferralEvent

REFERRALS = 50_000
STATUSES = {  # share of each status among the seeded referrals
    ReferralStatus.SENT: 0.20,
    ReferralStatus.ACCEPTED: 0.22,
    ReferralStatus.COMPLETED: 0.30,
    ReferralStatus.DECLINED: 0.18,
    ReferralStatus.CANCELLED: 0.10,
}
OVERDUE = 0.40  # of those awaiting an answer, this share is past its deadline (the coordinators' overdue queue)
OVERRIDE = 0.03  # sent without consent to sharing, for cases that have none
URGENCIES = {Urgency.EMERGENCY: 0.10, Urgency.URGENT: 0.30, Urgency.ROUTINE: 0.60}
RECEIVING_SKEW = 0.7  # receiving organisation number i (in a shuffled order) gets weight 1 / (i + 1) ** skew
BATCH = 2000
REASONS = [
    "Membutuhkan rumah aman sementara di daerah asal. (alasan rekaan)",
    "Pendampingan hukum untuk laporan polisi. (alasan rekaan)",
    "Pemulangan dan reintegrasi keluarga. (alasan rekaan)",
    "Pemeriksaan kesehatan dan konseling. (alasan rekaan)",
]
NOTES = [
    "Sudah dihubungi, jadwal bertemu minggu depan. (catatan rekaan)",
    "Kapasitas penuh bulan ini. (catatan rekaan)",
    "Layanan selesai diberikan. (catatan rekaan)",
]


# --- The marker --------------------------------------------------------------------------------------------------


def marker() -> dict[str, Any] | None:
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS bench_seed_referrals (referrals integer, seconds real, seeded_at timestamptz)"
        )
        cursor.execute("SELECT referrals, seconds, seeded_at FROM bench_seed_referrals")
        row = cursor.fetchone()
    return None if row is None else {"referrals": row[0], "seconds": row[1], "seeded_at": row[2].isoformat()}


def ensure(total: int, cases_seeded_at: datetime | None, log: Any = print) -> dict[str, Any]:
    """Seed referrals unless this database already holds them. Returns the marker, with ``reused``."""
    found = marker()
    if found is not None:
        if found["referrals"] != total:
            raise SystemExit(
                f"The bench database holds {found['referrals']:,} seeded referrals, not {total:,}. "
                "Pass --reseed to seed everything again."
            )
        return {**found, "reused": True}
    if Referral.objects.exists():
        raise SystemExit("The bench database holds referrals but no referral seed. Pass --reseed.")
    started = time.perf_counter()
    seed(total, cases_seeded_at, log)
    with connection.cursor() as cursor:
        for table in ("referrals_referral", "referrals_referralevent", "casework_casegroupobjectpermission"):
            cursor.execute(f"VACUUM (ANALYZE) {table}")
        cursor.execute(
            "INSERT INTO bench_seed_referrals VALUES (%s, %s, now())", [total, time.perf_counter() - started]
        )
    verify(log)
    return {**(marker() or {}), "reused": False}


# --- Seeding -----------------------------------------------------------------------------------------------------


def _weighted(rng: random.Random, shares: dict[Any, float]) -> Any:
    return rng.choices(list(shares), list(shares.values()))[0]


class _Network:
    """What the seed draws from: cases (with their consent and data key), organisations and their caseworkers."""

    def __init__(self, rng: random.Random, cases_seeded_at: datetime | None) -> None:
        cases = Case.objects.all()
        if cases_seeded_at is not None:  # the seeded network, not the intakes of bench runs
            cases = cases.filter(created_at__lte=cases_seeded_at)
        self.cases = {
            row[0]: row
            for row in cases.values_list("id", "reference", "owner_id", "assigned_to_id", "status", "created_at")
        }
        self.consents = dict(
            Consent.objects.filter(kind=ConsentKind.SHARING, withdrawn_on__isnull=True).values_list("case_id", "id")
        )
        self.keys = dict(CaseKey.objects.values_list("case_id", "wrapped"))
        self.vaults: dict[uuid.UUID, Vault] = {}
        # Pools by (open case?, has consent?): open referrals only on cases that are not closed.
        self.pools: dict[tuple[bool, bool], list[uuid.UUID]] = defaultdict(list)
        for pk, (_pk, _ref, _owner, _assigned, status, _created) in sorted(self.cases.items()):
            has_consent = pk in self.consents
            self.pools[(False, has_consent)].append(pk)
            if status != CaseStatus.CLOSED:
                self.pools[(True, has_consent)].append(pk)
        holders = list(Organisation.objects.exclude(kind=OrganisationKind.TASK_FORCE).order_by("code"))
        rng.shuffle(holders)
        self.organisations = {org.pk: org for org in holders}
        self.receiving_weights = {org.pk: 1 / (i + 1) ** RECEIVING_SKEW for i, org in enumerate(holders)}
        self.caseworkers: dict[int, list[int]] = defaultdict(list)
        for user_id, org_id in User.objects.filter(membership__role=Role.CASEWORKER, is_active=True).values_list(
            "pk", "membership__organisation_id"
        ):
            self.caseworkers[org_id].append(user_id)
        self.users = User.objects.in_bulk()

    def vault(self, case_id: uuid.UUID) -> Vault:
        if case_id not in self.vaults:
            self.vaults[case_id] = Vault(case_id, self.keys[case_id])
        return self.vaults[case_id]

    def receiver(self, rng: random.Random, owner_id: int) -> Organisation:
        while True:
            pk = rng.choices(list(self.receiving_weights), list(self.receiving_weights.values()))[0]
            if pk != owner_id:
                return self.organisations[pk]


class _Planned:
    """One referral about to be written, with its timeline and the history rows of its status changes."""

    def __init__(self, referral: Referral, events: list[ReferralEvent], final: dict[str, Any]) -> None:
        self.referral, self.events, self.final = referral, events, final


def _plan(rng: random.Random, net: _Network, now: datetime) -> _Planned:
    status = _weighted(rng, STATUSES)
    is_open = status in (ReferralStatus.SENT, ReferralStatus.ACCEPTED)
    override = rng.random() < OVERRIDE and bool(net.pools[(is_open, False)])
    case_id = rng.choice(net.pools[(is_open, not override)])
    _pk, case_ref, owner_id, assigned_id, _status, created = net.cases[case_id]
    to_org = net.receiver(rng, owner_id)
    urgency = _weighted(rng, URGENCIES)
    hours = settings.JEJARING_REFERRAL_DEADLINE_HOURS[urgency]
    day = timedelta(days=1)
    if status == ReferralStatus.SENT and rng.random() < OVERDUE:
        sent_at = now - timedelta(hours=hours) - rng.uniform(1 / 24, 60) * day
    elif status == ReferralStatus.SENT:
        sent_at = now - timedelta(hours=rng.uniform(0, hours * 0.9))
    elif status == ReferralStatus.ACCEPTED:
        sent_at = now - rng.uniform(2, 200) * day
    elif status == ReferralStatus.COMPLETED:
        sent_at = now - rng.uniform(30, 4 * 365) * day
    else:
        sent_at = now - rng.uniform(1, 3 * 365) * day
    sent_at = min(max(sent_at, created + timedelta(hours=1)), now)
    answered = min(sent_at + timedelta(hours=rng.uniform(0.5, hours * 1.2)), now)
    sender, receiver = net.users[assigned_id], net.users[rng.choice(net.caseworkers[to_org.pk])]
    offered = list(to_org.services) or ServiceType.values
    referral = Referral(  # type: ignore[misc]  # the multi-choice fields take lists
        case_id=case_id,
        from_org_id=owner_id,
        to_org=to_org,
        services=rng.sample(offered, min(len(offered), rng.randint(1, 2))),
        urgency=urgency,
        deadline=sent_at + timedelta(hours=hours),
        consent_id=None if override else net.consents[case_id],
        consent_override=override,
        sections=rng.sample([s.value for s in SHAREABLE_SECTIONS], rng.randint(1, 3)),
        status=ReferralStatus.SENT,
        sent_by=sender,
        sent_at=sent_at,
        last_update_at=sent_at,
    )
    referral.reference = case_ref  # numbered per case once the whole set is planned (see ``_number``)
    vault = net.vault(case_id)
    referral.reason_enc = vault.seal(services.LABEL, "reason_enc", referral.pk, rng.choice(REASONS))
    if override:
        reason = "Nyawa terancam; persetujuan belum dapat diminta. (alasan rekaan)"
        referral.override_reason_enc = vault.seal(services.LABEL, "override_reason_enc", referral.pk, reason)
    referral._history_user, referral._history_date = sender, sent_at  # type: ignore[attr-defined]
    events = [_event(vault, referral, EventKind.SENT, sender, owner_id, sent_at)]
    final: dict[str, Any] = {}
    if status in (ReferralStatus.ACCEPTED, ReferralStatus.COMPLETED):
        events.append(_event(vault, referral, EventKind.ACCEPTED, receiver, to_org.pk, answered))
        last = min(answered + rng.uniform(0, 30) * day, now)
        if rng.random() < 0.5:
            events.append(_event(vault, referral, EventKind.UPDATE, receiver, to_org.pk, last, rng.choice(NOTES)))
        final = {"status": status, "answered_at": answered, "last_update_at": last}
        if status == ReferralStatus.COMPLETED:
            closed = min(last + rng.uniform(7, 180) * day, now)
            events.append(_event(vault, referral, EventKind.COMPLETED, receiver, to_org.pk, closed))
            final |= {"outcome": rng.choice(Outcome.values), "closed_at": closed}
    elif status == ReferralStatus.DECLINED:
        note = rng.choice(NOTES) if rng.random() < 0.5 else ""
        events.append(_event(vault, referral, EventKind.DECLINED, receiver, to_org.pk, answered, note))
        final = {
            "status": status,
            "decline_reason": rng.choice(DeclineReason.values),
            "answered_at": answered,
            "closed_at": answered,
        }
    elif status == ReferralStatus.CANCELLED:
        closed = min(sent_at + rng.uniform(1 / 24, 10) * day, now)
        events.append(_event(vault, referral, EventKind.CANCELLED, sender, owner_id, closed))
        final = {"status": status, "closed_at": closed}
    if final:
        actor = sender if status == ReferralStatus.CANCELLED else receiver
        final |= {"_history_user": actor, "_history_date": final.get("closed_at") or final["answered_at"]}
    return _Planned(referral, events, final)


def _event(
    vault: Vault, referral: Referral, kind: str, actor: User, org_id: int, at: datetime, note: str = ""
) -> ReferralEvent:
    event = ReferralEvent(referral=referral, kind=kind, actor=actor, organisation_id=org_id, at=at)
    if note:
        event.note_enc = vault.seal(services.EVENT_LABEL, "note_enc", event.pk, note)
    event._history_user, event._history_date = actor, at  # type: ignore[attr-defined]
    return event


def _number(planned: list[_Planned]) -> None:
    """References <case reference>/R<n>, numbered per case in the order the referrals were sent."""
    by_case: dict[uuid.UUID, list[Referral]] = defaultdict(list)
    for item in planned:
        by_case[item.referral.case_id].append(item.referral)
    for referrals in by_case.values():
        for n, referral in enumerate(sorted(referrals, key=lambda r: (r.sent_at, r.pk)), start=1):
            referral.reference = f"{referral.reference}/R{n}"


def seed(total: int, cases_seeded_at: datetime | None, log: Any = print) -> None:
    rng = random.Random(2027)
    started = time.perf_counter()
    now = timezone.now()
    net = _Network(rng, cases_seeded_at)
    planned = [_plan(rng, net, now) for _ in range(total)]
    _number(planned)
    log(f"  {total:,} referrals planned and encrypted in {time.perf_counter() - started:.0f} s")
    perms = dict(
        Permission.objects.filter(
            content_type__app_label="casework", codename__in=SECTION_PERMISSIONS.values()
        ).values_list("codename", "id")
    )
    for start in range(0, total, BATCH):
        batch = planned[start : start + BATCH]
        with transaction.atomic():
            # History as the services wrote it: the referral as sent, then (if it moved on) its current state.
            Referral.history.bulk_history_create([p.referral for p in batch])  # type: ignore[attr-defined]
            moved = [p for p in batch if p.final]
            for item in moved:
                for name, value in item.final.items():
                    setattr(item.referral, name, value)
            Referral.history.bulk_history_create([p.referral for p in moved], update=True)  # type: ignore[attr-defined]
            Referral.objects.bulk_create([p.referral for p in batch])
            bulk_create_with_history([e for p in batch for e in p.events], ReferralEvent)
        if (start // BATCH + 1) % 5 == 0:
            log(f"  {start + len(batch):,} referrals in {time.perf_counter() - started:.0f} s")
    # Grants of accepted referrals: per (case, receiving group), the summary and the union of the shared sections.
    wanted: dict[tuple[uuid.UUID, int], set[str]] = defaultdict(set)
    for item in planned:
        referral = item.referral
        if referral.status == ReferralStatus.ACCEPTED:
            wanted[(referral.case_id, referral.to_org.group_id)].update({Section.SUMMARY, *referral.sections})
    grants = [
        CaseGroupObjectPermission(
            content_object_id=case_id,
            group_id=group_id,
            permission_id=perms[codename],
            case_created_at=net.cases[case_id][5],
        )
        for (case_id, group_id), sections in wanted.items()
        for codename in (SECTION_PERMISSIONS[Section(s)] for s in sections)
    ]
    CaseGroupObjectPermission.objects.bulk_create(grants, batch_size=5000)
    counts = Counter(p.referral.status for p in planned)
    overdue = sum(1 for p in planned if p.referral.status == ReferralStatus.SENT and p.referral.deadline < now)
    log(
        f"  {total:,} referrals ({', '.join(f'{n:,} {s}' for s, n in counts.most_common())}; {overdue:,} overdue), "
        f"{len(grants):,} grants, in {time.perf_counter() - started:.0f} s"
    )


class _Rollback(Exception):
    pass


def verify(log: Any = print, sample: int = 25) -> None:
    """Open a sample's reasons and notes with the real code, and check that ``services.grants_sync`` keeps exactly
    the grants the seed wrote for accepted referrals."""
    accepted = Referral.objects.filter(status=ReferralStatus.ACCEPTED).select_related("case", "to_org__group")
    for referral in list(Referral.objects.select_related("case").order_by("?")[:sample]) + list(
        accepted.order_by("?")[:sample]
    ):
        selectors.reason_of(referral)
        if referral.consent_override:
            selectors.override_reason_of(referral)
        for event in referral.events.all():
            selectors.event_note(event, referral.case)
        if referral.status != ReferralStatus.ACCEPTED:
            continue
        group = referral.to_org.group
        rows = CaseGroupObjectPermission.objects.filter(content_object=referral.case, group=group)
        seeded = set(rows.values_list("permission_id", flat=True))
        try:
            with transaction.atomic():
                services.grants_sync(referral.case, referral.to_org)
                rebuilt = set(rows.values_list("permission_id", flat=True))
                raise _Rollback
        except _Rollback:
            pass
        if seeded != rebuilt:
            raise SystemExit(f"the seeded grants of {referral.reference} differ from services.grants_sync")
    log(f"  verified {2 * sample} referrals: ciphertexts open, grants match services.grants_sync")


# --- What the referral pages ask for -----------------------------------------------------------------------------


class Pool:
    """Referrals to reassign, each handed out once across threads: (referral id, organisation to reassign to)."""

    def __init__(self, items: list[tuple[str, int]]) -> None:
        self.items = items
        self.taken = 0
        self.lock = threading.Lock()

    def take(self) -> tuple[str, int]:
        with self.lock:
            if self.taken >= len(self.items):
                raise RuntimeError(f"the reassign pool of {len(self.items)} referrals is used up")
            self.taken += 1
            return self.items[self.taken - 1]


def receiving_by_size() -> list[tuple[Organisation, int]]:
    """Organisations that receive referrals, fewest first, with how many they received."""
    counts = Counter(Referral.objects.values_list("to_org_id", flat=True).iterator(chunk_size=10_000))
    organisations = Organisation.objects.in_bulk(list(counts))
    return sorted(((organisations[pk], n) for pk, n in counts.items()), key=lambda pair: (pair[1], pair[0].code))


def reassign_pool(to_org: Organisation | None, size: int, seed: str) -> Pool:
    """Referrals a coordinator may reassign (awaiting an answer but not overdue, or declined, so that the overdue
    queue keeps its size), in a random order, each with an organisation other than its sender and receiver.

    Referrals sent on a consent override (3 %) are left out: reassigning one also tells the coordinators again that
    it was sent without consent (two statements more), and the statement counts compare like with like."""
    now = timezone.now()
    candidates = (
        Referral.objects.filter(status=ReferralStatus.DECLINED)
        | Referral.objects.filter(status=ReferralStatus.SENT, deadline__gte=now + timedelta(hours=1))
    ).filter(consent_override=False)
    if to_org is not None:
        candidates = candidates.filter(to_org=to_org)
    rows = list(candidates.values_list("id", "from_org_id", "to_org_id"))
    rng = random.Random(seed)
    rng.shuffle(rows)
    holders = list(
        Organisation.objects.exclude(kind=OrganisationKind.TASK_FORCE).order_by("code").values_list("pk", flat=True)
    )
    items = []
    for n, (pk, from_org, receiving) in enumerate(rows[:size]):
        others = [org for org in holders if org not in (from_org, receiving)]
        items.append((str(pk), others[n % len(others)]))
    return Pool(items)
