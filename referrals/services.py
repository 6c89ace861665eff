"""Every write to referrals: explicit actor, one transaction, history, grants, timeline and notifications.

Access to the referred case follows the referral: accepting grants the receiving organisation the shared sections
(django-guardian, direct tables); declining, cancelling, reassigning and completing revoke them.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import Role
from accounts.models import Organisation, User
from casework import access as case_access
from casework.choices import ConsentKind
from casework.models import Case, Consent
from casework.selectors import active_consent
from casework.vault import Vault
from referrals import notices
from referrals.choices import EventKind, ReferralStatus
from referrals.models import Referral, ReferralEvent
from referrals.selectors import Side, side_of

LABEL = "referrals.referral"
EVENT_LABEL = "referrals.referralevent"


def _with_actor(instance: Any, actor: User) -> None:
    instance._history_user = actor


def _deadline(urgency: str, start: Any) -> Any:
    return start + timedelta(hours=settings.JEJARING_REFERRAL_DEADLINE_HOURS[urgency])


def _event(referral: Referral, actor: User, kind: str, note: str = "") -> ReferralEvent:
    event = ReferralEvent(referral=referral, kind=kind, actor=actor, organisation=actor.organisation)
    if note:
        event.note_enc = Vault.for_case(referral.case).seal(EVENT_LABEL, "note_enc", event.pk, note)
    _with_actor(event, actor)
    event.save(force_insert=True)
    return event


def _locked(referral: Referral) -> Referral:
    return (
        Referral.objects.select_for_update(of=("self",))
        .select_related("case", "from_org", "to_org")
        .get(pk=referral.pk)
    )


def _require(actor: User, referral: Referral, *sides: Side) -> None:
    if side_of(actor, referral) not in sides:
        raise PermissionDenied


def _require_status(referral: Referral, *statuses: str) -> None:
    if referral.status not in statuses:
        raise ValidationError(
            _("This referral is %(status)s: that cannot be done now.") % {"status": referral.status_label}
        )


def sync_grants(case: Case, organisation: Organisation) -> None:
    """An organisation's grants on a referred case are the union of the sections of its accepted referrals."""
    case_access.revoke_sections(case, organisation.group)
    sections: set[str] = set()
    for shared in Referral.objects.filter(case=case, to_org=organisation, status=ReferralStatus.ACCEPTED).values_list(
        "sections", flat=True
    ):
        sections.update(Referral._meta.get_field("sections").to_python(shared))  # type: ignore[union-attr]
    if Referral.objects.filter(case=case, to_org=organisation, status=ReferralStatus.ACCEPTED).exists():
        case_access.grant_sections(case, organisation.group, sections)


def _next_reference(case: Case) -> str:
    Case.objects.select_for_update().filter(pk=case.pk).first()
    return f"{case.reference}/R{Referral.objects.filter(case=case).count() + 1}"


@transaction.atomic
def referral_send(
    *,
    actor: User,
    case: Case,
    to_org: Organisation,
    services: Iterable[str],
    urgency: str,
    reason: str,
    sections: Iterable[str] = (),
    override_reason: str = "",
    reassigned_from: Referral | None = None,
) -> Referral:
    """Refer a case to another organisation. It needs the person's active consent to sharing, or an override with a
    reason by a caseworker allowed to make one."""
    if reassigned_from is None and not case_access.access_for(actor, case).can_change:
        raise PermissionDenied
    if to_org.pk == case.owner_id or not to_org.is_active:
        raise ValidationError({"to_org": _("Choose another active member organisation.")})
    consent = active_consent(case, ConsentKind.SHARING) if reassigned_from is None else reassigned_from.consent
    override = False
    if consent is None:
        if reassigned_from is not None and reassigned_from.consent_override:
            override, override_reason = True, ""
        elif not override_reason.strip():
            raise ValidationError(
                {
                    "override_reason": _(
                        "The person has not consented to sharing for referral. Record their consent first."
                    )
                }
            )
        elif not (actor.active_membership and actor.active_membership.may_override_consent):
            raise ValidationError({"override_reason": _("Your role does not allow a referral without consent.")})
        else:
            override = True
    if not reason.strip():
        raise ValidationError({"reason": _("Say why you refer the person.")})
    now = timezone.now()
    referral = Referral(  # type: ignore[misc]  # the multi-choice fields take lists
        case=case,
        from_org=case.owner,
        to_org=to_org,
        services=list(services),
        urgency=urgency,
        deadline=_deadline(urgency, now),
        consent=consent,
        consent_override=override,
        sections=list(sections),
        sent_by=reassigned_from.sent_by if reassigned_from else actor,
        sent_at=now,
        last_update_at=now,
        reassigned_from=reassigned_from,
    )
    referral.reference = _next_reference(case)
    referral.full_clean(exclude=["reason_enc", "reference"])
    vault = Vault.for_case(case)
    referral.reason_enc = vault.seal(LABEL, "reason_enc", referral.pk, reason)
    if override and override_reason:
        referral.override_reason_enc = vault.seal(LABEL, "override_reason_enc", referral.pk, override_reason)
    elif override and reassigned_from is not None:
        previous = vault.open(LABEL, "override_reason_enc", reassigned_from.pk, reassigned_from.override_reason_enc)
        referral.override_reason_enc = (
            vault.seal(LABEL, "override_reason_enc", referral.pk, previous) if previous else ""
        )
    _with_actor(referral, actor)
    referral.save(force_insert=True)
    _event(referral, actor, EventKind.SENT)
    notices.sent(referral)
    return referral


@transaction.atomic
def referral_accept(*, actor: User, referral: Referral) -> Referral:
    referral = _locked(referral)
    _require(actor, referral, Side.RECEIVER)
    _require_status(referral, ReferralStatus.SENT)
    now = timezone.now()
    referral.status, referral.answered_at, referral.last_update_at = ReferralStatus.ACCEPTED, now, now
    _with_actor(referral, actor)
    referral.save()
    sync_grants(referral.case, referral.to_org)
    _event(referral, actor, EventKind.ACCEPTED)
    notices.answered(referral)
    return referral


@transaction.atomic
def referral_decline(*, actor: User, referral: Referral, reason: str, note: str = "") -> Referral:
    referral = _locked(referral)
    _require(actor, referral, Side.RECEIVER)
    _require_status(referral, ReferralStatus.SENT)
    now = timezone.now()
    referral.status, referral.decline_reason, referral.answered_at, referral.closed_at = (
        ReferralStatus.DECLINED,
        reason,
        now,
        now,
    )
    referral.full_clean(exclude=["reason_enc"])
    _with_actor(referral, actor)
    referral.save()
    sync_grants(referral.case, referral.to_org)
    _event(referral, actor, EventKind.DECLINED, note)
    notices.answered(referral)
    return referral


@transaction.atomic
def referral_cancel(*, actor: User, referral: Referral, note: str = "") -> Referral:
    referral = _locked(referral)
    _require(actor, referral, Side.SENDER)
    _require_status(referral, ReferralStatus.SENT, ReferralStatus.ACCEPTED)
    _close(referral, actor, ReferralStatus.CANCELLED, EventKind.CANCELLED, note)
    return referral


def _close(referral: Referral, actor: User, status: str, event: str, note: str = "") -> None:
    referral.status, referral.closed_at = status, timezone.now()
    _with_actor(referral, actor)
    referral.save()
    sync_grants(referral.case, referral.to_org)
    _event(referral, actor, event, note)
    notices.closed(referral)


@transaction.atomic
def referral_complete(*, actor: User, referral: Referral, outcome: str, note: str = "") -> Referral:
    referral = _locked(referral)
    _require(actor, referral, Side.RECEIVER)
    _require_status(referral, ReferralStatus.ACCEPTED)
    referral.outcome = outcome
    referral.full_clean(exclude=["reason_enc"])
    _close(referral, actor, ReferralStatus.COMPLETED, EventKind.COMPLETED, note)
    return referral


@transaction.atomic
def referral_update(*, actor: User, referral: Referral, note: str) -> ReferralEvent:
    """A note on the referral's timeline, from either side, while it is in progress."""
    referral = _locked(referral)
    _require(actor, referral, Side.SENDER, Side.RECEIVER)
    _require_status(referral, ReferralStatus.SENT, ReferralStatus.ACCEPTED)
    if not note.strip():
        raise ValidationError({"note": _("Write the update.")})
    referral.last_update_at = timezone.now()
    _with_actor(referral, actor)
    referral.save(update_fields=["last_update_at"])
    event = _event(referral, actor, EventKind.UPDATE, note)
    notices.updated(referral, by_receiver=side_of(actor, referral) is Side.RECEIVER)
    return event


@transaction.atomic
def referral_reassign(*, actor: User, referral: Referral, to_org: Organisation, reason: str) -> Referral:
    """A coordinator moves a stalled or declined referral to another organisation: the original closes as
    reassigned (its receiver loses access), a linked referral goes to the new one, everyone concerned is told."""
    if actor.role != Role.COORDINATOR:
        raise PermissionDenied
    referral = _locked(referral)
    _require_status(referral, ReferralStatus.SENT, ReferralStatus.ACCEPTED, ReferralStatus.DECLINED)
    if to_org.pk in (referral.to_org_id, referral.from_org_id):
        raise ValidationError({"to_org": _("Choose an organisation other than the sender and the current receiver.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Say why you reassign the referral.")})
    previous_status = referral.status
    referral.status, referral.closed_at = ReferralStatus.REASSIGNED, timezone.now()
    _with_actor(referral, actor)
    referral.save()
    sync_grants(referral.case, referral.to_org)
    event = ReferralEvent(referral=referral, kind=EventKind.REASSIGNED, actor=actor, organisation=actor.organisation)
    event.note_enc = Vault.for_case(referral.case).seal(EVENT_LABEL, "note_enc", event.pk, reason)
    _with_actor(event, actor)
    event.save(force_insert=True)
    original_reason = Vault.for_case(referral.case).open(LABEL, "reason_enc", referral.pk, referral.reason_enc)
    new = referral_send(
        actor=actor,
        case=referral.case,
        to_org=to_org,
        services=referral.services,
        urgency=referral.urgency,
        reason=original_reason,
        sections=referral.sections,
        reassigned_from=referral,
    )
    notices.reassigned(referral, new, previous_status=previous_status)
    return new


def on_consent_withdrawn(*, consent: Consent, actor: User) -> None:
    """Withdrawing consent to sharing cancels the open referrals that relied on it (casework calls this through its
    hook, inside the withdrawal's transaction)."""
    if consent.kind != ConsentKind.SHARING:
        return
    open_statuses = (ReferralStatus.SENT, ReferralStatus.ACCEPTED)
    for referral in Referral.objects.filter(consent=consent, status__in=open_statuses):
        referral = _locked(referral)
        if referral.status not in open_statuses:
            continue  # answered (declined, completed) between the query and the lock: its ending stands
        _close(
            referral, actor, ReferralStatus.CANCELLED, EventKind.CANCELLED, _("The person withdrew consent to sharing.")
        )


def reason_of(referral: Referral) -> str:
    return Vault.for_case(referral.case).open(LABEL, "reason_enc", referral.pk, referral.reason_enc)


def override_reason_of(referral: Referral) -> str:
    return Vault.for_case(referral.case).open(LABEL, "override_reason_enc", referral.pk, referral.override_reason_enc)


def event_note(event: ReferralEvent, case: Case) -> str:
    return Vault.for_case(case).open(EVENT_LABEL, "note_enc", event.pk, event.note_enc)
