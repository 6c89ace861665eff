"""Every write to casework: functions named <noun>_<verb>, keyword-only, with an explicit actor.

Each checks the actor's access, runs in one transaction, records history with the actor, writes the access log
where something sensitive is read, and leaves side effects to ``transaction.on_commit``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import update_change_reason

from accounts import audit, reminders
from accounts.choices import Role
from accounts.models import AccessLog, User
from casework import access, crypto, hooks, rhythm
from casework import reminders as case_reminders
from casework.choices import CaseStatus, ConsentGivenBy
from casework.models import BlindIndex, Case, CaseNote, CaseSequence, Consent, ServiceRecord
from casework.vault import CASE, NOTE, SERVICE, Vault, destroy_case_key

# Non-identifying fields a caseworker edits directly. Status and closure go through case_close / case_reopen.
SUMMARY_FIELDS = [
    "risk_level",
    "intake_channel",
    "intake_date",
    "trafficking_status",
    "determined_by",
    "exploitation_types",
    "labour_sector",
    "means_of_control",
    "recruitment_method",
    "recruiter_relationship",
    "origin_province",
    "origin_regency",
    "transit_provinces",
    "transit_countries",
    "destination_country",
    "destination_province",
    "gender",
    "birth_year",
    "age_band",
    "nationality",
    "next_follow_up",
    "assigned_to",
]
IDENTITY_KEYS = ["full_name", "aliases", "nik", "passport", "date_of_birth"]
CONTACT_KEYS = ["phones", "address", "family_contact"]


class CaseConflict(Exception):
    """Someone else saved the case after this user opened it; nothing was overwritten."""

    def __init__(self, case: Case) -> None:
        super().__init__(case.reference)
        self.case = case


def _with_actor(instance: Any, actor: User) -> None:
    instance._history_user = actor


def _require(actor: User, case: Case, *, change: bool = False, section: str | None = None) -> access.CaseAccess:
    granted = access.access_for(actor, case)
    allowed = granted.can_change if change else (granted.can_see(section) if section else granted.any)
    if not allowed:
        raise PermissionDenied
    return granted


def _next_reference(case: Case) -> str:
    year = timezone.localdate().year
    with transaction.atomic():
        CaseSequence.objects.get_or_create(organisation=case.owner, year=year)
        CaseSequence.objects.filter(organisation=case.owner, year=year).update(last=F("last") + 1)
        last = CaseSequence.objects.filter(organisation=case.owner, year=year).values_list("last", flat=True).get()
    return f"{case.owner.code}-{year}-{last:04d}"


def _reindex(case: Case, identity: dict[str, Any], contact: dict[str, Any]) -> None:
    """Rebuild a case's blind indexes from its (plaintext, in memory) identity and contact details."""
    digests: set[tuple[str, str]] = set()
    if identity.get("nik"):
        digests.add((BlindIndex.Kind.NIK, crypto.blind_index("nik", crypto.normalise_nik(identity["nik"]))))
    if identity.get("passport"):
        digests.add(
            (BlindIndex.Kind.PASSPORT, crypto.blind_index("passport", crypto.normalise_passport(identity["passport"])))
        )
    for phone in contact.get("phones", []):
        digests.add((BlindIndex.Kind.PHONE, crypto.blind_index("phone", crypto.normalise_phone(phone))))
    names = " ".join([identity.get("full_name", ""), *identity.get("aliases", [])])
    for token in crypto.name_tokens(names):
        digests.add((BlindIndex.Kind.NAME, crypto.blind_index("name", token)))
    BlindIndex.objects.filter(case=case).delete()
    BlindIndex.objects.bulk_create(BlindIndex(case=case, kind=kind, digest=digest) for kind, digest in digests)


def _check_assignee(case: Case, assignee: User | None, named: Iterable[User]) -> None:
    if assignee is None:
        return
    if assignee.organisation != case.owner or assignee.role != Role.CASEWORKER:
        raise ValidationError({"assigned_to": _("Assign a caseworker of the organisation that owns the case.")})
    if case.is_restricted and assignee not in list(named):
        raise ValidationError({"assigned_to": _("On a restricted case, assign one of the named caseworkers.")})


def _check_named(case: Case, named: list[User]) -> None:
    if not case.is_restricted:
        return
    if not named:
        raise ValidationError({"named_users": _("Name at least one caseworker who may open this restricted case.")})
    for user in named:
        if user.organisation != case.owner or user.role != Role.CASEWORKER:
            raise ValidationError({"named_users": _("Only caseworkers of the owner organisation can be named.")})


def case_open(
    *,
    actor: User,
    summary: dict[str, Any],
    identity: dict[str, Any],
    contact: dict[str, Any],
    narrative: str = "",
    needs: str = "",
    consents: Iterable[dict[str, Any]] = (),
    is_restricted: bool = False,
    named_users: Iterable[User] = (),
) -> Case:
    """Open a case at the actor's organisation and grant it to that organisation (or to the named users)."""
    if actor.role != Role.CASEWORKER or actor.organisation is None:
        raise PermissionDenied
    case = Case(owner=actor.organisation, created_by=actor, is_restricted=is_restricted)
    for field in SUMMARY_FIELDS:
        if field in summary:
            setattr(case, field, summary[field])
    if case.assigned_to is None:
        case.assigned_to = actor
    named = list(named_users) or ([actor] if is_restricted else [])
    if is_restricted and actor not in named:
        named.append(actor)
    _check_named(case, named)
    _check_assignee(case, case.assigned_to, named)
    if case.next_follow_up is None:
        case.next_follow_up = rhythm.first_contact(case.risk_level, timezone.localdate())
    case.full_clean(exclude=["reference", "created_by"])
    # The number is taken in its own short transaction, so that intakes at one organisation do not wait for each
    # other's whole transaction (a failed intake leaves a gap in the numbers, which identify no one anyway).
    case.reference = _next_reference(case)
    with transaction.atomic():
        return _case_open_write(case, actor, identity, contact, narrative, needs, consents, named)


def _case_open_write(
    case: Case,
    actor: User,
    identity: dict[str, Any],
    contact: dict[str, Any],
    narrative: str,
    needs: str,
    consents: Iterable[dict[str, Any]],
    named: list[User],
) -> Case:
    vault = Vault.new(case.pk)
    _seal_sensitive(vault, case, identity=identity, contact=contact, narrative=narrative, needs=needs)
    _with_actor(case, actor)
    case.save(force_insert=True)
    vault.persist(case)
    _reindex(case, identity, contact)
    access.grant_owner(case, named)
    for consent in consents:
        consent_give(actor=actor, case=case, **consent)
    case_reminders.schedule_follow_up(case)
    return case


def _seal_sensitive(
    vault: Vault,
    case: Case,
    *,
    identity: dict[str, Any] | None = None,
    contact: dict[str, Any] | None = None,
    narrative: str | None = None,
    needs: str | None = None,
) -> None:
    if identity is not None:
        case.identity_enc = vault.seal_json(CASE, "identity_enc", case.pk, {k: identity.get(k) for k in IDENTITY_KEYS})
    if contact is not None:
        case.contact_enc = vault.seal_json(CASE, "contact_enc", case.pk, {k: contact.get(k) for k in CONTACT_KEYS})
    if narrative is not None:
        case.narrative_enc = vault.seal(CASE, "narrative_enc", case.pk, narrative)
    if needs is not None:
        case.needs_enc = vault.seal(CASE, "needs_enc", case.pk, needs)


@transaction.atomic
def case_update(
    *,
    actor: User,
    case: Case,
    expected_version: int,
    summary: dict[str, Any] | None = None,
    identity: dict[str, Any] | None = None,
    contact: dict[str, Any] | None = None,
    narrative: str | None = None,
    needs: str | None = None,
) -> Case:
    """Save an edit made on the version the actor saw; if someone saved since, raise CaseConflict and change nothing."""
    case = Case.objects.select_for_update(of=("self",)).select_related("owner").get(pk=case.pk)
    _require(actor, case, change=True)
    if case.version != expected_version:
        raise CaseConflict(case)
    for field in SUMMARY_FIELDS:
        if summary is not None and field in summary:
            setattr(case, field, summary[field])
    _check_assignee(case, case.assigned_to, access.named_users(case) if case.is_restricted else [])
    case.full_clean()
    vault = Vault.for_case(case)
    _seal_sensitive(vault, case, identity=identity, contact=contact, narrative=narrative, needs=needs)
    if identity is not None or contact is not None:
        current_identity = (
            identity if identity is not None else vault.open_json(CASE, "identity_enc", case.pk, case.identity_enc)
        )
        current_contact = (
            contact if contact is not None else vault.open_json(CASE, "contact_enc", case.pk, case.contact_enc)
        )
        _reindex(case, current_identity, current_contact)
    case.version += 1
    case.last_activity_at = timezone.now()
    _with_actor(case, actor)
    case.save()
    case_reminders.schedule_follow_up(case)
    return case


@transaction.atomic
def case_close(*, actor: User, case: Case, expected_version: int, reason: str) -> Case:
    case = Case.objects.select_for_update().get(pk=case.pk)
    _require(actor, case, change=True)
    if case.version != expected_version:
        raise CaseConflict(case)
    if case.is_closed:
        raise ValidationError(_("This case is already closed."))
    case.status = CaseStatus.CLOSED
    case.closure_reason = reason
    case.next_follow_up = None
    case.full_clean()
    case.version += 1
    _with_actor(case, actor)
    case.save()
    update_change_reason(case, "closed")
    case_reminders.case_closed(case)
    for hook in hooks.case_closed:
        hook(case=case, actor=actor)
    return case


@transaction.atomic
def case_reopen(*, actor: User, case: Case, expected_version: int) -> Case:
    """Reopen through a new status change; the closure stays in the history."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    _require(actor, case, change=True)
    if case.version != expected_version:
        raise CaseConflict(case)
    if not case.is_closed:
        raise ValidationError(_("Only a closed case can be reopened."))
    case.status = CaseStatus.ACTIVE
    case.closure_reason = ""
    case.next_follow_up = rhythm.first_contact(case.risk_level, timezone.localdate())
    case.version += 1
    case.last_activity_at = timezone.now()
    _with_actor(case, actor)
    case.save()
    update_change_reason(case, "reopened")
    case_reminders.schedule_follow_up(case)
    return case


@transaction.atomic
def case_set_restriction(*, actor: User, case: Case, is_restricted: bool, named_users: Iterable[User]) -> Case:
    """Restrict a case to named caseworkers of its organisation, or open it again to the whole organisation."""
    case = Case.objects.select_for_update(of=("self",)).select_related("owner").get(pk=case.pk)
    _require(actor, case, change=True)
    named = list(named_users)
    if is_restricted and actor not in named:
        named.append(actor)
    case.is_restricted = is_restricted
    _check_named(case, named)
    if is_restricted and case.assigned_to is not None and case.assigned_to not in named:
        named.append(case.assigned_to)
        _check_named(case, named)
    case.version += 1
    _with_actor(case, actor)
    case.save()
    update_change_reason(case, "restricted" if is_restricted else "unrestricted")
    access.grant_owner(case, named)
    return case


def touch(case: Case) -> None:
    """Record activity on a case (for the inactivity reminder). last_activity_at is excluded from history, so a
    queryset update is used here on purpose: it writes nothing an auditor needs."""
    Case.objects.filter(pk=case.pk).update(last_activity_at=timezone.now())
    reminders.clear(object_id=case.pk, kinds=[case_reminders.INACTIVE])


@transaction.atomic
def note_add(*, actor: User, case: Case, body: str, shareable: bool = False, is_follow_up: bool = False) -> CaseNote:
    _require(actor, case, change=True)
    if not body.strip():
        raise ValidationError({"body": _("Write something in the note.")})
    note = CaseNote(case=case, author=actor, shareable=shareable, is_follow_up=is_follow_up)
    note.body_enc = Vault.for_case(case).seal(NOTE, "body_enc", note.pk, body)
    _with_actor(note, actor)
    note.save(force_insert=True)
    touch(case)
    if is_follow_up:
        _follow_up_recorded(actor, case)
    return note


def _follow_up_recorded(actor: User, case: Case) -> None:
    """A follow-up contact clears its reminders and schedules the next one by the risk level's rhythm."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.is_closed:
        return
    case.next_follow_up = rhythm.next_after_contact(case.risk_level, timezone.localdate())
    case.version += 1
    _with_actor(case, actor)
    case.save()
    update_change_reason(case, "follow-up recorded")
    case_reminders.follow_up_recorded(case)
    case_reminders.schedule_follow_up(case)


@transaction.atomic
def service_record_add(
    *,
    actor: User,
    case: Case,
    service_type: str,
    provider: Any,
    status: str,
    started_on: date | None = None,
    ended_on: date | None = None,
    outcome: str = "",
) -> ServiceRecord:
    """Record a service given to the person. The owner organisation records any provider's service; a receiving
    organisation of an accepted referral records services it gave itself."""
    granted = access.access_for(actor, case)
    if not (granted.can_change or (granted.is_referred and provider == actor.organisation)):
        raise PermissionDenied
    record = ServiceRecord(
        case=case,
        service_type=service_type,
        provider=provider,
        status=status,
        started_on=started_on,
        ended_on=ended_on,
        recorded_by=actor,
    )
    record.full_clean(exclude=["outcome_enc"])
    record.outcome_enc = Vault.for_case(case).seal(SERVICE, "outcome_enc", record.pk, outcome)
    _with_actor(record, actor)
    record.save(force_insert=True)
    touch(case)
    return record


@transaction.atomic
def consent_give(*, actor: User, case: Case, kind: str, given_on: date, given_by: str) -> Consent:
    _require(actor, case, change=True)
    if case.is_child and given_by != ConsentGivenBy.GUARDIAN:
        raise ValidationError({"given_by": _("A child's consent must be given by a parent or guardian.")})
    if given_on > timezone.localdate():
        raise ValidationError({"given_on": _("The date cannot be in the future.")})
    if Consent.objects.filter(case=case, kind=kind, withdrawn_on__isnull=True).exists():
        raise ValidationError({"kind": _("This consent is already recorded. Withdraw it first to record it again.")})
    consent = Consent(case=case, kind=kind, given_on=given_on, given_by=given_by, recorded_by=actor)
    consent.full_clean()
    _with_actor(consent, actor)
    consent.save(force_insert=True)
    return consent


@transaction.atomic
def consent_withdraw(*, actor: User, consent: Consent, withdrawn_on: date | None = None) -> Consent:
    consent = Consent.objects.select_for_update(of=("self",)).select_related("case").get(pk=consent.pk)
    _require(actor, consent.case, change=True)
    if consent.withdrawn_on is not None:
        raise ValidationError(_("This consent was already withdrawn."))
    consent.withdrawn_on = withdrawn_on or timezone.localdate()
    _with_actor(consent, actor)
    consent.save()
    for hook in hooks.consent_withdrawn:
        hook(consent=consent, actor=actor)
    return consent


def case_view_record(*, actor: User, case: Case, request: Any = None, tab: str = "summary") -> None:
    """An open case is logged, each time, with the tab that was opened."""
    audit.record_for(AccessLog.Event.CASE_VIEWED, actor=actor, obj=case, request=request, detail=tab)


REVEALABLE = {
    "nik": "identity",
    "passport": "identity",
    "date_of_birth": "identity",
    "phones": "contact",
    "address": "contact",
    "family_contact": "contact",
}


def case_field_reveal(*, actor: User, case: Case, field: str, request: Any = None) -> Any:
    """Show one masked value in full, and log that it was shown."""
    section = REVEALABLE.get(field)
    if section is None:
        raise PermissionDenied
    _require(actor, case, section=section)
    vault = Vault.for_case(case)
    data = vault.open_json(CASE, f"{section}_enc", case.pk, getattr(case, f"{section}_enc"))
    audit.record_for(AccessLog.Event.FIELD_REVEALED, actor=actor, obj=case, request=request, detail=field)
    return data.get(field, "")


def case_edit_record(*, actor: User, case: Case, sensitive: dict[str, Any], request: Any = None) -> None:
    """The edit form shows every identifier the identity tab masks, filled in: log it as the case viewed (edit) and
    each of those values as revealed, as the "Show" button does."""
    case_view_record(actor=actor, case=case, request=request, tab="edit")
    for field, section in REVEALABLE.items():
        if sensitive.get(section, {}).get(field):
            audit.record_for(
                AccessLog.Event.FIELD_REVEALED, actor=actor, obj=case, request=request, detail=f"{field} (edit)"
            )


@transaction.atomic
def case_key_destroy(*, actor: User, case: Case) -> None:
    """Erase a case's sensitive data everywhere at once by destroying its data key (see vault.destroy_case_key)."""
    _require(actor, case, change=True)
    destroy_case_key(case)
    BlindIndex.objects.filter(case=case).delete()
    case = Case.objects.get(pk=case.pk)
    case.version += 1
    _with_actor(case, actor)
    case.save()
    update_change_reason(case, "data key destroyed")
