"""Reads of referrals, and their gate.

Who sees a referral, and how much:
- the sender side: caseworkers of the referring organisation who can open the whole case;
- the receiver side: caseworkers of the receiving organisation. Before acceptance they see the non-identifying summary
  on the referral page only; after acceptance the case pages show them the shared sections (guardian grants);
- coordinators: every referral of the network, as a non-identifying summary;
- nobody else: admins audit the access log instead. A referral one may not see is a 404.
"""

from __future__ import annotations

import enum
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import F, QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone

from accounts.choices import Role
from accounts.models import Organisation, User
from audit import access_log
from casework import access as case_access
from casework.models import Case
from casework.vault import Vault
from core import provinces
from core.fields import choice_label
from core.registry import Hooks
from referrals import fetch
from referrals.choices import ReferralStatus
from referrals.models import Referral, ReferralEvent


class Side(enum.Enum):
    NONE = "none"
    SENDER = "sender"
    RECEIVER = "receiver"
    COORDINATOR = "coordinator"


def side_of(user: User, referral: Referral) -> Side:
    role = user.role
    if role == Role.COORDINATOR:
        return Side.COORDINATOR
    if not case_access.may_reach_cases(user):  # an active caseworker of an active organisation, as for any case
        return Side.NONE
    organisation_id = user.membership.organisation_id
    if organisation_id == referral.to_org_id:
        return Side.RECEIVER
    if organisation_id == referral.from_org_id and case_access.access_for(user, referral.case).full:
        return Side.SENDER
    return Side.NONE


def get_referral_for(user: User, referral_id: Any, *, request: HttpRequest | None = None) -> Referral:
    """The referral, with ``referral.side`` set, if the user may see it; else Http404 (logged)."""
    try:
        referral = fetch.referral_with_parties(uuid.UUID(str(referral_id)))
    except ValueError:
        referral = None
    if referral is None:
        raise Http404
    side = side_of(user, referral)
    if side is Side.NONE:
        access_log.record_refusal("referral", actor=user, obj=referral, request=request)
        raise Http404
    referral.side = side  # type: ignore[attr-defined]
    return referral


@dataclass
class Summary:
    """What every side may see: nothing that identifies the person."""

    services: list[str]
    urgency: str
    province: str
    gender: str
    age_band: str
    exploitation: list[str]


def summary_of(referral: Referral) -> Summary:
    case = referral.case
    field: Any = Case._meta.get_field
    services: Any = Referral._meta.get_field("services")
    return Summary(
        services=services.labels(referral.services),
        urgency=referral.urgency_label,
        province=choice_label(field("origin_province"), case.origin_province) or "—",
        gender=choice_label(field("gender"), case.gender),
        age_band=choice_label(field("age_band"), case.age_band),
        exploitation=field("exploitation_types").labels(case.exploitation_types),
    )


def of_case(case: Any) -> list[Referral]:
    """The referrals of one case, newest first (for its owner, through the case gate)."""
    return list(with_codes(Referral.objects.filter(case=case).select_related("to_org")).order_by("-sent_at"))


def timeline(referral: Referral) -> list[ReferralEvent]:
    return list(referral.events.select_related("actor", "organisation"))


# --- Lists of referrals (the inbox: referrals/inbox.py; the queue: referrals/queue.py) --------------------------------


def with_codes(referrals: QuerySet[Referral]) -> QuerySet[Referral]:
    """The organisations' codes as ``from_code`` and ``to_code`` (what a referrals table shows of them), joined in
    the same statement without building an organisation per row."""
    return referrals.annotate(from_code=F("from_org__code"), to_code=F("to_org__code"))


# Capacity statuses belong to network (a higher app), which registers its lookup here from its ready():
# (organisation ids, services) -> {organisation id: "available" | "limited" | "full"} for fresh statuses only.
capacity_lookups = Hooks()


def register_capacity_lookup(lookup: Callable[[list[int], set[str]], dict[int, str]]) -> None:
    capacity_lookups.register(lookup)


def reassign_candidates(referral: Referral, *, only: str | None = None) -> list[Organisation]:
    """The organisations a referral may be reassigned to: active, neither its sender nor its receiver, offering a
    service (the network's secretariat, the coordinators' own, takes no referral). ``only``: the one a coordinator
    chose (a posted id), if it is one of them (a reassignment sent is checked against it alone)."""
    chosen = None
    if only is not None:
        if not (only.isascii() and only.isdigit() and len(only) <= 9):  # an id, not anything posted
            return []
        chosen = int(only)
    others = fetch.active_organisations_but(referral.from_org_id, referral.to_org_id, only=chosen)
    return [organisation for organisation in others if organisation.services]


def suggested_organisations(
    referral: Referral, candidates: list[Organisation] | None = None
) -> list[tuple[Organisation, float, bool]]:
    """The candidates (``reassign_candidates``), best first: those offering a requested service first, full ones
    last among them, then by distance from the referring organisation's province. (organisation, km, offers a
    requested service); each organisation carries ``capacity_level`` ("" when not stated or stale)."""
    if candidates is None:
        candidates = reassign_candidates(referral)
    wanted = set(referral.services)
    levels: dict[int, str] = {}
    for lookup in capacity_lookups:
        levels.update(lookup([o.pk for o in candidates], wanted))
    rows = []
    for organisation in candidates:
        offers = bool(wanted & set(organisation.services))
        organisation.capacity_level = levels.get(organisation.pk, "")  # type: ignore[attr-defined]
        rows.append((organisation, provinces.distance_km(referral.from_org.province, organisation.province), offers))
    rows.sort(key=lambda row: (not row[2], row[0].capacity_level == "full", row[1], row[0].name))  # type: ignore[attr-defined]
    return rows


# --- Decrypted reads of a referral the user may see ----------------------------------------------------------

# The labels bound into the associated data of referral ciphertexts (fixed strings, like casework.vault's).
LABEL = "referrals.referral"
EVENT_LABEL = "referrals.referralevent"


def vault_of(case: Case) -> Vault:
    """The case's vault, its key read once for this case object (a referral's page opens the reason and each note
    of the timeline; a reassignment seals and opens several): the object lives for one request or one service call."""
    vault = case.__dict__.get("_referrals_vault")
    if vault is None:
        vault = case.__dict__["_referrals_vault"] = Vault.for_case(case)
    return vault


def reason_of(referral: Referral) -> str:
    if referral.case.erased_at is not None:
        return ""  # erased with the case's key
    return vault_of(referral.case).open(LABEL, "reason_enc", referral.pk, referral.reason_enc)


def override_reason_of(referral: Referral) -> str:
    if referral.case.erased_at is not None:
        return ""
    return vault_of(referral.case).open(LABEL, "override_reason_enc", referral.pk, referral.override_reason_enc)


def event_note(event: ReferralEvent, case: Case) -> str:
    if case.erased_at is not None or not event.note_enc:
        return ""
    return vault_of(case).open(EVENT_LABEL, "note_enc", event.pk, event.note_enc)


# --- Statistics for the network (network/ reads these, and only these) -----------------------------------------

# Categorical columns and times only: never the reason, the override reason or a timeline note (all encrypted).
STATISTICS_REFERRAL_FIELDS = (
    "id",
    "case_id",
    "case__origin_province",
    "services",
    "urgency",
    "status",
    "decline_reason",
    "outcome",
    "sent_at",
    "answered_at",
    "deadline",
    "to_org_id",
    "to_org__province",
    "reassigned_from_id",
)


def statistics_referral_rows() -> QuerySet[Any]:
    """Referrals of statistics-consented cases, as dicts of categorical fields."""
    from casework.selectors import statistics_consented_case_ids

    return (
        Referral.objects.filter(case_id__in=statistics_consented_case_ids())
        .order_by()
        .values(*STATISTICS_REFERRAL_FIELDS)
    )


def overdue_referrals_count() -> int:
    return Referral.objects.filter(status=ReferralStatus.SENT, deadline__lt=timezone.now()).count()


def declined_awaiting_reassignment_count() -> int:
    """Declined referrals that no coordinator has reassigned yet (a reassigned one changes status)."""
    return Referral.objects.filter(status=ReferralStatus.DECLINED).count()
