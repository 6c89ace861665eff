"""Every read of casework data, and the access gate.

``visible_cases(user)`` and ``get_case_for(user, case_id, action)`` are the only ways views reach cases. A case the
user may not see is a 404, never a 403, so that its existence does not leak; the refusal is logged.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import connection
from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone

from accounts.models import User
from audit import access_log
from audit.models import AccessLog
from casework import access, crypto, fetch, list_sql, search_sql
from casework.access import CaseAccess
from casework.models import (
    ENCRYPTED_SECTIONS,
    BlindIndex,
    Case,
    CaseNote,
    Consent,
    Section,
    ServiceRecord,
)
from casework.vault import CASE, NOTE, SERVICE, Vault
from core import pagination
from core.pagination import Page

ACTIONS = {"view", "change"} | {f"view_{section}" for section in Section.values}


def visible_cases(user: User, *, section: str | None = None) -> QuerySet[Case]:
    """Cases the user may open (any part of), or whose ``section`` the user may see."""
    if section is None:
        return access.cases_with(user, *access.VISIBLE)
    return access.cases_with(user, access.FULL_VIEW, access.SECTION_PERMISSIONS[Section(section)])


def get_case_for(user: User, case_id: Any, action: str = "view", *, request: HttpRequest | None = None) -> Case:
    """The case, with ``case.access`` set, if the user may perform ``action`` on it; else Http404 (logged)."""
    assert action in ACTIONS, action
    try:
        case = fetch.case_with_people(uuid.UUID(str(case_id)))
    except ValueError:
        raise Http404 from None
    if case is None:
        raise Http404
    granted = access.access_for(user, case)
    if not granted.allows(action):
        access_log.record_refusal(action, actor=user, obj=case, request=request)
        raise Http404
    case.access = granted
    return case


def case_for_admin(case_id: Any) -> Case:
    """A case as the admins' "who has access" panel shows it: its reference and owner, none of its contents (the
    ciphertext columns are not even read). Http404 when there is none."""
    case = Case.objects.select_related("owner").defer(*ENCRYPTED_SECTIONS).filter(pk=case_id).first()
    if case is None:
        raise Http404
    return case


# --- The case list ---------------------------------------------------------------------------------------------


@dataclass
class CaseFilters:
    status: str = ""
    risk_level: str = ""
    mine: bool = False
    follow_up_due: bool = False
    follow_up: str = ""  # "today" or "overdue" (the home page's figures)
    open_only: bool = False
    restricted: bool = False
    search_ids: list[uuid.UUID] | None = None  # from a search; None means no search


def _narrowed(cases: QuerySet[Case], user: User, filters: CaseFilters) -> QuerySet[Case]:
    today = timezone.localdate()
    if filters.status:
        cases = cases.filter(status=filters.status)
    if filters.risk_level:
        cases = cases.filter(risk_level=filters.risk_level)
    if filters.mine:
        cases = cases.filter(assigned_to=user)
    if filters.follow_up_due:
        cases = cases.filter(next_follow_up__lte=today).exclude(status="closed")
    if filters.follow_up == "today":
        cases = cases.filter(next_follow_up=today).exclude(status="closed")
    elif filters.follow_up == "overdue":
        cases = cases.filter(next_follow_up__lt=today).exclude(status="closed")
    if filters.open_only:
        cases = cases.exclude(status="closed")
    if filters.restricted:
        cases = cases.filter(is_restricted=True)
    if filters.search_ids is not None:
        cases = cases.filter(pk__in=filters.search_ids)
    return cases


def filtered_cases(user: User, filters: CaseFilters) -> QuerySet[Case]:
    # The list shows no sensitive value: the ciphertext columns are not even read.
    cases = visible_cases(user).select_related("owner", "assigned_to").defer(*ENCRYPTED_SECTIONS)
    return _narrowed(cases, user, filters).order_by("-created_at", "-id")


def case_list_page(user: User, filters: CaseFilters, cursor: str = "", size: int = 25) -> Page:
    """One page of ``filtered_cases`` after ``cursor``, in (created_at, id) descending order, its items as the rows
    of the list (list_sql.ListedCase). On PostgreSQL, one statement written out (casework/list_sql.py) cuts the page
    first from each of the two disjoint parts of the visible cases (access.cases_with_parts): the organisation's own
    read backwards along (owner, created_at), those shared with it along their grants, each stopping at the page's
    end, so that a page costs the same at 2,000 cases as at 20,000; elsewhere the ORM reads the page."""
    if connection.vendor == "postgresql" and access.may_reach_cases(user):
        position = pagination.position_after(cursor)
        organisation = user.membership.organisation  # may_reach_cases: an active membership, read with the user
        items = list_sql.page_rows(user, organisation, filters, position, size + 1, timezone.localdate())
        return pagination.page_of(items, size, cursor, time_field="created_at")
    cases = filtered_cases(user, filters).only(*list_sql.LIST_FIELDS)
    page = pagination.keyset_page(cases, cursor, time_field="created_at", size=size)
    page.items = [list_sql.ListedCase.of(case) for case in page.items]
    return page


# --- Search ----------------------------------------------------------------------------------------------------

REFERENCE = re.compile(r"^[A-Za-z]{2,6}-\d{4}-\d{1,6}$")


def search_case_ids(user: User, query: str, *, request: HttpRequest | None = None) -> list[uuid.UUID]:
    """Cases the user may see that match a reference, NIK, passport, phone or name. The search is logged; its text
    never is."""
    query = query.strip()[:200]
    found: set[uuid.UUID] = set()
    if REFERENCE.match(query):
        found |= set(visible_cases(user).filter(reference__iexact=query).values_list("pk", flat=True))
    if re.fullmatch(r"\d{16}", crypto.normalise_nik(query)):
        for kind, digest in crypto.digests(nik=query):
            found |= _by_index(user, kind, digest, Section.IDENTITY)
    if re.fullmatch(r"[\d\s+().\-]{8,}", query) and 8 <= len(crypto.normalise_phone(query)) <= 15:
        for kind, digest in crypto.digests(phones=[query]):
            found |= _by_index(user, kind, digest, Section.CONTACT)
    if re.fullmatch(r"[A-Za-z]{1,2}\s?\d{5,9}", query):
        for kind, digest in crypto.digests(passport=query):
            found |= _by_index(user, kind, digest, Section.IDENTITY)
    tokens = crypto.name_tokens(query) if re.search(r"[^\W\d_]", query) and not REFERENCE.match(query) else set()
    if tokens:
        found |= _by_name(user, tokens)
    access_log.record(AccessLog.Event.SEARCHED, actor=user, request=request, detail=f"results={len(found)}")
    return list(found)


def _by_index(user: User, kind: str, digest: str, section: str) -> set[uuid.UUID]:
    if connection.vendor == "postgresql" and access.may_reach_cases(user):  # casework/search_sql.py
        return {pk for pk, _identity, _wrapped in search_sql.candidates(user, kind, [digest], section)}
    matching = BlindIndex.objects.filter(kind=kind, digest=digest).values("case_id")
    return set(visible_cases(user, section=section).filter(pk__in=matching).values_list("pk", flat=True))


def _by_name(user: User, tokens: set[str]) -> set[uuid.UUID]:
    """Every word typed must be a whole word of the name or an alias (blind indexes cannot match prefixes). Name
    digests are truncated, so candidates are decrypted and checked. On PostgreSQL one statement written out reads
    the organisation's own rows of a digest and the cases shared with it (casework/search_sql.py)."""
    digests = [digest for token in sorted(tokens) for (_kind, digest) in crypto.digests(names=token)]
    if connection.vendor == "postgresql" and access.may_reach_cases(user):
        rows = search_sql.candidates(user, BlindIndex.Kind.NAME, digests, Section.IDENTITY)
    else:
        candidates = visible_cases(user, section=Section.IDENTITY)
        for digest in digests:
            candidates = candidates.filter(
                Exists(BlindIndex.objects.filter(case_id=OuterRef("pk"), kind=BlindIndex.Kind.NAME, digest=digest))
            )
        rows = list(candidates.values_list("id", "identity_enc", "key__wrapped")[: search_sql.CANDIDATES])
    matches: set[uuid.UUID] = set()
    for case_id, identity_enc, wrapped in rows:
        identity = Vault(case_id, wrapped).open_json(CASE, "identity_enc", case_id, identity_enc)
        words = crypto.name_tokens(" ".join([identity.get("full_name", ""), *identity.get("aliases", [])]))
        if tokens <= words:
            matches.add(case_id)
    return matches


# --- Decrypted reads for a case the user has opened ------------------------------------------------------------


def case_sensitive(case: Case) -> dict[str, Any]:
    """The decrypted parts of a case the user's access allows (``case.access`` from get_case_for)."""
    granted: CaseAccess = case.access
    if case.erased_at is not None:
        return {}  # its key is destroyed: nothing of the person is left to show
    vault = Vault.for_case(case)
    data: dict[str, Any] = {}
    if granted.can_see(Section.IDENTITY):
        data["identity"] = vault.open_json(CASE, "identity_enc", case.pk, case.identity_enc)
    if granted.can_see(Section.CONTACT):
        data["contact"] = vault.open_json(CASE, "contact_enc", case.pk, case.contact_enc)
    if granted.can_see(Section.NARRATIVE):
        data["narrative"] = vault.open(CASE, "narrative_enc", case.pk, case.narrative_enc)
    if granted.can_see(Section.NEEDS):
        data["needs"] = vault.open(CASE, "needs_enc", case.pk, case.needs_enc)
    return data


@dataclass
class NoteView:
    note: CaseNote
    body: str


def case_notes(case: Case) -> list[NoteView]:
    """All notes for the owner; only shareable notes for a referred organisation that was sent notes."""
    granted: CaseAccess = case.access
    notes = CaseNote.objects.filter(case=case).select_related("author")
    if not granted.full:
        if not granted.can_see(Section.NOTES):
            return []
        notes = notes.filter(shareable=True)
    if case.erased_at is not None:
        return [NoteView(note, "") for note in notes]
    vault = Vault.for_case(case)
    return [NoteView(note, vault.open(NOTE, "body_enc", note.pk, note.body_enc)) for note in notes]


@dataclass
class ServiceView:
    record: ServiceRecord
    outcome: str


def case_services(case: Case, *, viewer: User) -> list[ServiceView]:
    """Services given; a referred organisation reads the outcomes of its own services only."""
    granted: CaseAccess = case.access
    records = ServiceRecord.objects.filter(case=case).select_related("provider", "recorded_by")
    vault = Vault.for_case(case)
    own = viewer.organisation.pk if viewer.organisation else None
    views = []
    for record in records:
        readable = (granted.full or record.provider_id == own) and case.erased_at is None
        outcome = vault.open(SERVICE, "outcome_enc", record.pk, record.outcome_enc) if readable else ""
        views.append(ServiceView(record, outcome))
    return views


def consent_of(case: Case, consent_id: Any) -> Consent | None:
    """One consent of a case the user has opened (through the gate), or None."""
    return Consent.objects.filter(case=case, pk=consent_id).first()


def case_consents(case: Case, *, recorders: bool = True) -> list[Consent]:
    """The case's consents; ``recorders``: with who recorded each (the consents page; the summary shows none)."""
    consents = Consent.objects.filter(case=case)
    return list(consents.select_related("recorded_by") if recorders else consents)


def active_consent(case: Case, kind: str) -> Consent | None:
    return Consent.objects.filter(case=case, kind=kind, withdrawn_on__isnull=True).first()


def follow_up_due(case: Case, today: date | None = None) -> bool:
    today = today or timezone.localdate()
    return bool(case.next_follow_up and case.next_follow_up <= today and not case.is_closed)


# --- Statistics for the network (network/ reads these, and only these) -----------------------------------------

# Categorical, unencrypted columns only: never an ``*_enc`` column, never a name, never a free text.
STATISTICS_CASE_FIELDS = (
    "id",
    "intake_date",
    "origin_province",
    "destination_country",
    "destination_province",
    "exploitation_types",
    "labour_sector",
    "recruitment_method",
    "gender",
    "age_band",
    "risk_level",
    "status",
    "trafficking_status",
    "created_at",
)
STATISTICS_SERVICE_FIELDS = ("case_id", "service_type", "status", "started_on", "recorded_at")


def _statistics_consented() -> Exists:
    from casework.choices import ConsentKind

    return Exists(Consent.objects.filter(case=OuterRef("pk"), kind=ConsentKind.STATISTICS, withdrawn_on__isnull=True))


def statistics_consented_case_ids() -> QuerySet[Any]:
    """A subquery of the cases whose person's statistics consent is active now (a withdrawn one drops out)."""
    return Case.objects.filter(_statistics_consented()).values("pk")


def statistics_case_rows() -> QuerySet[Any]:
    """One dict of categorical fields per statistics-consented case."""
    return Case.objects.filter(_statistics_consented()).order_by().values(*STATISTICS_CASE_FIELDS)


def statistics_service_rows() -> QuerySet[Any]:
    """Services recorded for statistics-consented cases (type, status, dates)."""
    return (
        ServiceRecord.objects.filter(case_id__in=statistics_consented_case_ids())
        .order_by()
        .values(*STATISTICS_SERVICE_FIELDS)
    )


def high_risk_unserved_count(*, hours: int = 48) -> int:
    """The same, network-wide and statistics-consented only: a count, shown under the disclosure rule."""
    from casework.choices import RiskLevel, ServiceStatus

    since = timezone.now() - timedelta(hours=hours)
    served = ServiceRecord.objects.filter(case=OuterRef("pk")).exclude(status=ServiceStatus.CANCELLED)
    return (
        Case.objects.filter(_statistics_consented(), risk_level=RiskLevel.HIGH, created_at__lte=since)
        .exclude(status="closed")
        .filter(~Exists(served))
        .count()
    )


# The attachments', intake drafts' and unserved cases' reads live beside (casework/attachment_selectors.py,
# draft_selectors.py, unserved_sql.py); views reach them through this module.
from casework.attachment_selectors import (  # noqa: E402, F401
    AttachmentView,
    attachment_of,
    attachment_sections,
    case_attachments,
)
from casework.draft_selectors import intake_draft_fields, intake_draft_of  # noqa: E402, F401
from casework.duplicate_selectors import DuplicateMatch, duplicate_matches, duplicate_matches_placed  # noqa: E402, F401
from casework.unserved_sql import high_risk_unserved  # noqa: E402, F401
