"""What is recorded on a case: notes, follow-up contacts, services given, consents."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import update_change_reason

from accounts.models import User
from casework import hooks, rhythm
from casework import reminders as case_reminders
from casework.choices import ConsentGivenBy
from casework.models import Case, CaseNote, Consent, ServiceRecord
from casework.services.base import _require, case_touch
from casework.vault import NOTE, SERVICE, Vault
from core.history import with_actor
from core.validation import full_clean


@transaction.atomic
def note_add(*, actor: User, case: Case, body: str, shareable: bool = False, is_follow_up: bool = False) -> CaseNote:
    _require(actor, case, "change")
    if not body.strip():
        raise ValidationError({"body": _("Write something in the note.")})
    note = CaseNote(case=case, author=actor, shareable=shareable, is_follow_up=is_follow_up)
    note.body_enc = Vault.for_case(case).seal(NOTE, "body_enc", note.pk, body)
    with_actor(note, actor)
    note.save(force_insert=True)
    case_touch(case)
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
    with_actor(case, actor)
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
    granted = _require(actor, case, "record_service")
    if not granted.can_change and provider != actor.organisation:
        raise PermissionDenied  # a receiving organisation records only the services it gave itself
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
    with_actor(record, actor)
    record.save(force_insert=True)
    case_touch(case)
    return record


@transaction.atomic
def consent_give(*, actor: User, case: Case, kind: str, given_on: date, given_by: str) -> Consent:
    _require(actor, case, "change")
    if Consent.objects.filter(case=case, kind=kind, withdrawn_on__isnull=True).exists():
        raise ValidationError({"kind": _("This consent is already recorded. Withdraw it first to record it again.")})
    return _consent_write(actor, case, kind=kind, given_on=given_on, given_by=given_by)


def _consent_write(actor: User, case: Case, *, kind: str, given_on: date, given_by: str) -> Consent:
    consent = _consent_checked(actor, case, kind=kind, given_on=given_on, given_by=given_by)
    consent.save(force_insert=True)
    return consent


def _consent_checked(
    actor: User, case: Case, *, kind: str, given_on: date, given_by: str, new_case: bool = False
) -> Consent:
    """The consent given, checked (a child's by a guardian, no date in the future, the model's own checks), with
    its actor named; not saved."""
    if case.is_child and given_by != ConsentGivenBy.GUARDIAN:
        raise ValidationError({"given_by": _("A child's consent must be given by a parent or guardian.")})
    if given_on > timezone.localdate():
        raise ValidationError({"given_on": _("The date cannot be in the future.")})
    consent = Consent(case=case, kind=kind, given_on=given_on, given_by=given_by, recorded_by=actor)
    # A case being opened has no consent yet: the one-live-consent-per-kind constraint (its fields include the case)
    # cannot fail, and the database still enforces it.
    full_clean(consent, exclude=["case"] if new_case else [])
    with_actor(consent, actor)
    return consent


def consents_of_new_case(*, actor: User, case: Case, consents: Iterable[dict[str, Any]]) -> list[Consent]:
    """The consents recorded with the intake of a case the actor is opening (casework.services.case_open), checked
    as ``consent_give`` checks what was given (a child's by a guardian, no date in the future), and not saved: the
    case's opening writes them with its other rows. Without the checks that cannot fail for a case that exists
    since this transaction: the actor's access to it (the owner's caseworker who opens it is granted it) and an
    earlier live consent of the kind. Two of one kind are refused as ``consent_give`` refuses the second."""
    consents = list(consents)
    kinds = [consent["kind"] for consent in consents]
    if len(set(kinds)) != len(kinds):
        raise ValidationError({"kind": _("This consent is already recorded. Withdraw it first to record it again.")})
    return [_consent_checked(actor, case, new_case=True, **consent) for consent in consents]


@transaction.atomic
def consent_withdraw(*, actor: User, consent: Consent, withdrawn_on: date | None = None) -> Consent:
    consent = Consent.objects.select_for_update(of=("self",)).select_related("case").get(pk=consent.pk)
    _require(actor, consent.case, "change")
    if consent.withdrawn_on is not None:
        raise ValidationError(_("This consent was already withdrawn."))
    consent.withdrawn_on = withdrawn_on or timezone.localdate()
    with_actor(consent, actor)
    consent.save()
    for hook in hooks.consent_withdrawn:
        hook(consent=consent, actor=actor)
    return consent
