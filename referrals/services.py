"""Every write to referrals: explicit actor, one transaction, history, grants, timeline and notifications.

Access to the referred case follows the referral: accepting grants the receiving organisation the shared sections
(django-guardian, direct tables); declining, cancelling, reassigning and completing revoke them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import Role
from accounts.models import Organisation, User
from casework import access as case_access
from casework.choices import ConsentKind
from casework.models import Case, Consent
from casework.selectors import active_consent
from core import rows, sql
from core.history import with_actor
from core.validation import full_clean
from notifications import reminders
from referrals import fetch, selectors
from referrals import reminders as referral_reminders
from referrals.choices import EventKind, ReferralStatus
from referrals.models import Referral, ReferralEvent
from referrals.selectors import EVENT_LABEL, LABEL, Side, side_of


def _deadline(urgency: str, start: Any) -> Any:
    return start + timedelta(hours=settings.JEJARING_REFERRAL_DEADLINE_HOURS[urgency])


def _event(referral: Referral, actor: User, kind: str, note: str = "") -> ReferralEvent:
    event = _event_row(referral, actor, kind, note)
    event.save(force_insert=True)
    return event


def _event_row(referral: Referral, actor: User, kind: str, note: str = "") -> ReferralEvent:
    """A timeline event, its note sealed and its actor named: not saved."""
    event = ReferralEvent(referral=referral, kind=kind, actor=actor, organisation=actor.organisation)
    if note:
        event.note_enc = selectors.vault_of(referral.case).seal(EVENT_LABEL, "note_enc", event.pk, note)
    with_actor(event, actor)
    return event


def _write(instances: list[Any], *, updated: Iterable[tuple[Any, Sequence[str]]] = ()) -> None:
    """New rows of one transaction in one statement (core.rows), with the UPDATE of those ``updated`` and their
    history; a reminder due now is dispatched once it commits."""
    rows.insert(instances, updated=updated)
    reminders.kick_if_due(instances)


# The relations of a referral that its services read, and those a caller's referral may already hold.
_RELATED = ("case", "from_org", "to_org")
_REUSABLE = ("case", "from_org", "to_org", "sent_by", "consent")


def _locked(referral: Referral, *related: str) -> Referral:
    """The referral again, its row locked (it may have been answered meanwhile), with its case and organisations
    and whatever else the caller names. What the caller's referral already holds of them (a referral's page read
    its case and both organisations) is kept rather than read again: only the referral's row is locked, and a
    referral never changes its case, organisations, sender or consent."""
    known = referral._state.fields_cache
    missing = [name for name in (*_RELATED, *related) if name.split("__")[0] not in known]
    if set(missing) <= {"consent"}:  # a referral's page read the rest: its row alone, written out (referrals.fetch)
        fresh = fetch.locked_row(referral.pk, with_consent=bool(missing))
    else:
        fresh = Referral.objects.select_for_update(of=("self",)).select_related(*missing).get(pk=referral.pk)
    for name in _REUSABLE:
        held = known.get(name)
        if held is not None and getattr(fresh, f"{name}_id") == held.pk:
            setattr(fresh, name, held)
    if "case__owner" in related and fresh.case.owner_id == fresh.from_org_id:
        fresh.case.owner = fresh.from_org  # a referral is sent by its case's owner
    return fresh


def _require(actor: User, referral: Referral, *sides: Side) -> None:
    if side_of(actor, referral) not in sides:
        raise PermissionDenied


def _require_status(referral: Referral, *statuses: str) -> None:
    if referral.status not in statuses:
        raise ValidationError(
            _("This referral is %(status)s: that cannot be done now.") % {"status": referral.status_label}
        )


def grants_sync(case: Case, organisation: Organisation) -> None:
    """An organisation's grants on a referred case are the union of the sections of its accepted referrals."""
    case_access.revoke_sections(case, organisation.group_id)
    accepted = sql.rows(
        f"SELECT sections FROM {sql.table(Referral)} WHERE case_id = %s AND to_org_id = %s"  # noqa: S608 (names only)
        f" AND status = {sql.literal(ReferralStatus.ACCEPTED)}",
        [Case._meta.pk.get_db_prep_value(case.pk, connection), organisation.pk],
    )
    sections: set[str] = set()
    for (shared,) in accepted:
        sections.update(Referral._meta.get_field("sections").to_python(shared))
    if accepted:
        case_access.grant_sections(case, organisation.group_id, sections)


def _grants_follow(referral: Referral, was: str) -> None:
    """After a referral's status changed from ``was``: its receiver's grants follow its accepted referrals, so they
    change only when this one was accepted (a referral closed unanswered or declined never granted anything)."""
    if was == ReferralStatus.ACCEPTED:
        grants_sync(referral.case, referral.to_org)


def _next_reference(case: Case) -> str:
    """The case's next referral number: its referrals counted once the case's row is locked, so that two referrals
    of one case sent at once cannot take the same number. Two statements written out (core/sql.py): counted in the
    statement that takes the lock, the count would be of the rows that statement began with, before the other
    sender's commit it waited for (PostgreSQL's read committed; tests/referrals/test_numbering.py)."""
    case_id = Case._meta.pk.get_db_prep_value(case.pk, connection)
    counted = f"SELECT COUNT(*) FROM {sql.table(Referral)} WHERE case_id = %s"  # noqa: S608 (names only)
    if connection.features.has_select_for_update:  # the lock, then the count: one round trip (sql.rows_after)
        lock = f"SELECT id FROM {sql.table(Case)} WHERE id = %s FOR UPDATE"  # noqa: S608 (names only)
        ((count,),) = sql.rows_after(lock, [case_id], counted, [case_id])
    else:  # SQLite: one writer at a time
        ((count,),) = sql.rows(counted, [case_id])
    return f"{case.reference}/R{count + 1}"


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
) -> Referral:
    """Refer a case to another organisation. It needs the person's active consent to sharing, or an override with a
    reason by a caseworker allowed to make one."""
    consent = active_consent(case, ConsentKind.SHARING)
    override = False
    if consent is None:
        if not override_reason.strip():
            raise ValidationError(
                {
                    "override_reason": _(
                        "The person has not consented to sharing for referral. Record their consent first."
                    )
                }
            )
        if not (actor.active_membership and actor.active_membership.may_override_consent):
            raise ValidationError({"override_reason": _("Your role does not allow a referral without consent.")})
        override = True
    referral = _new_referral(
        actor=actor,
        case=case,
        to_org=to_org,
        services=list(services),
        urgency=urgency,
        reason=reason,
        sections=list(sections),
        consent=consent,
        override_reason=override_reason if override else None,
        sent_by=actor,
    )
    _write(_sent_rows(referral, actor))
    return referral


def _new_referral(
    *,
    actor: User,
    case: Case,
    to_org: Organisation,
    services: list[str],
    urgency: str,
    reason: str,
    sections: list[str],
    consent: Consent | None,
    override_reason: str | None,
    sent_by: User,
    reassigned_from: Referral | None = None,
) -> Referral:
    """The one way a referral is made, fresh or reassigned, checked, numbered and sealed, not saved: its rows are
    ``_sent_rows``. ``override_reason`` is None when the person's consent stands behind it, else the recorded reason
    for going without it. The permission check always runs: the owner's caseworkers send, a coordinator
    reassigns."""
    reassigning = reassigned_from is not None and actor.role == Role.COORDINATOR
    if not (reassigning or case_access.access_for(actor, case).allows("change")):
        raise PermissionDenied
    if to_org.pk == case.owner_id or not to_org.is_active:
        raise ValidationError({"to_org": _("Choose another active member organisation.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Say why you refer the person.")})
    now = timezone.now()
    referral = Referral(  # type: ignore[misc]  # the multi-choice fields take lists
        case=case,
        from_org=case.owner,
        to_org=to_org,
        services=services,
        urgency=urgency,
        consent=consent,
        consent_override=override_reason is not None,
        sections=sections,
        sent_by=sent_by,
        sent_at=now,
        last_update_at=now,
        reassigned_from=reassigned_from,
    )
    referral.reference = _next_reference(case)
    # A reassignment holds the lock on the referral it replaces, which it has just closed as reassigned: no other
    # referral can name it (the one-to-one's uniqueness, which the database also enforces).
    # The deadline follows from the urgency, once full_clean has refused an urgency outside the choices.
    skipped = ["reason_enc", "reference", "deadline", *(["reassigned_from"] if reassigned_from else [])]
    full_clean(referral, exclude=skipped)
    referral.deadline = _deadline(urgency, now)
    vault = selectors.vault_of(case)
    referral.reason_enc = vault.seal(LABEL, "reason_enc", referral.pk, reason)
    referral.override_reason_enc = vault.seal(LABEL, "override_reason_enc", referral.pk, override_reason or "")
    with_actor(referral, actor)
    return referral


def _sent_rows(referral: Referral, actor: User) -> list[Any]:
    """A referral just made (``_new_referral``) as the rows that send it: itself, its "sent" event, its notice and
    chasers (none of which exists yet)."""
    return [referral, _event_row(referral, actor, EventKind.SENT), *referral_reminders.sent_rows(referral)]


@transaction.atomic
def referral_accept(*, actor: User, referral: Referral) -> Referral:
    referral = _locked(referral)
    _require(actor, referral, Side.RECEIVER)
    _require_status(referral, ReferralStatus.SENT)
    now = timezone.now()
    referral.status, referral.answered_at, referral.last_update_at = ReferralStatus.ACCEPTED, now, now
    with_actor(referral, actor)
    referral.save()
    grants_sync(referral.case, referral.to_org)
    _event(referral, actor, EventKind.ACCEPTED)
    referral_reminders.answered(referral)
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
    full_clean(referral, exclude=["reason_enc"])
    with_actor(referral, actor)
    referral.save()
    _grants_follow(referral, ReferralStatus.SENT)
    _event(referral, actor, EventKind.DECLINED, note)
    referral_reminders.answered(referral)
    return referral


@transaction.atomic
def referral_cancel(*, actor: User, referral: Referral, note: str = "") -> Referral:
    referral = _locked(referral)
    _require(actor, referral, Side.SENDER)
    _require_status(referral, ReferralStatus.SENT, ReferralStatus.ACCEPTED)
    _close(referral, actor, ReferralStatus.CANCELLED, EventKind.CANCELLED, note)
    return referral


def _close(referral: Referral, actor: User, status: str, event: str, note: str = "") -> None:
    was, referral.status, referral.closed_at = referral.status, status, timezone.now()
    with_actor(referral, actor)
    referral.save()
    _grants_follow(referral, was)
    _event(referral, actor, event, note)
    referral_reminders.closed(referral)


@transaction.atomic
def referral_complete(*, actor: User, referral: Referral, outcome: str, note: str = "") -> Referral:
    referral = _locked(referral)
    _require(actor, referral, Side.RECEIVER)
    _require_status(referral, ReferralStatus.ACCEPTED)
    referral.outcome = outcome
    full_clean(referral, exclude=["reason_enc"])
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
    with_actor(referral, actor)
    referral.save(update_fields=["last_update_at"])
    event = _event(referral, actor, EventKind.UPDATE, note)
    referral_reminders.updated(referral, by_receiver=side_of(actor, referral) is Side.RECEIVER)
    return event


@transaction.atomic
def referral_reassign(*, actor: User, referral: Referral, to_org: Organisation, reason: str) -> Referral:
    """A coordinator moves a stalled or declined referral to another organisation: the original closes as
    reassigned (its receiver loses access), a linked referral goes to the new one, everyone concerned is told."""
    if actor.role != Role.COORDINATOR:
        raise PermissionDenied
    # With what the linked referral copies: the consent, who sent it, the case's owner (its sender).
    referral = _locked(referral, "consent", "sent_by", "case__owner")
    _require_status(referral, ReferralStatus.SENT, ReferralStatus.ACCEPTED, ReferralStatus.DECLINED)
    if to_org.pk in (referral.to_org_id, referral.from_org_id):
        raise ValidationError({"to_org": _("Choose an organisation other than the sender and the current receiver.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Say why you reassign the referral.")})
    was, referral.status, referral.closed_at = referral.status, ReferralStatus.REASSIGNED, timezone.now()
    with_actor(referral, actor)
    closing = [(referral, ("status", "closed_at"))]  # with its history of the change
    if was == ReferralStatus.ACCEPTED:
        # Closed first: its receiver's grants follow its accepted referrals, read again now.
        rows.insert([], updated=closing)
        _grants_follow(referral, was)
        closing = []
    # Else it granted nothing: closed by the statement that writes the new rows.
    new = _new_referral(
        actor=actor,
        case=referral.case,
        to_org=to_org,
        services=list(referral.services),
        urgency=referral.urgency,
        reason=selectors.reason_of(referral),
        sections=list(referral.sections),
        consent=referral.consent,
        override_reason=selectors.override_reason_of(referral) if referral.consent_override else None,
        sent_by=referral.sent_by,
        reassigned_from=referral,
    )
    referral_reminders.reassigned(referral)
    # The old referral's "reassigned" event, the new one with its own rows and the notice of the move: one statement.
    _write(
        [
            _event_row(referral, actor, EventKind.REASSIGNED, reason),
            *_sent_rows(new, actor),
            *referral_reminders.reassigned_rows(referral, new),
        ],
        updated=closing,
    )
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
