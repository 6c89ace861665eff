"""Opening, editing, closing, reopening and restricting a case, and erasing its sensitive data."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import update_change_reason

from accounts.choices import Role
from accounts.models import User
from casework import access, crypto, hooks, rhythm
from casework import reminders as case_reminders
from casework.choices import CaseStatus
from casework.models import BlindIndex, Case, CaseSequence
from casework.services.base import CONTACT_KEYS, IDENTITY_KEYS, SUMMARY_FIELDS, CaseConflict, _require
from casework.services.records import consents_of_new_case
from casework.vault import CASE, Vault, destroy_case_key
from core import rows
from core.history import with_actor
from core.validation import full_clean


def _next_reference(case: Case) -> str:
    """The organisation's next number this year, in one statement (an upsert that locks the sequence's row for the
    moment it takes), committed on its own unless the caller's transaction holds it.

    On its own on PostgreSQL, its commit does not wait for the disk (``synchronous_commit`` off for that transaction
    alone): a case that takes the number commits after it and waits for the log up to its own commit, which carries
    the number's with it. A crash in between loses only a number no case holds, handed out again."""
    year = timezone.localdate().year
    table = connection.ops.quote_name(CaseSequence._meta.db_table)
    alone = connection.vendor == "postgresql" and not connection.in_atomic_block
    values = (
        "SELECT %s, %s, 1 FROM (SELECT set_config('synchronous_commit', 'off', true)) AS alone"
        if alone
        else "VALUES (%s, %s, 1)"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (organisation_id, year, last) {values} "  # names and fixed text only
            f"ON CONFLICT (organisation_id, year) DO UPDATE SET last = {table}.last + 1 RETURNING last",
            [case.owner_id, year],
        )
        (last,) = cursor.fetchone()
    return f"{case.owner.code}-{year}-{last:04d}"


def _reindex(case: Case, identity: dict[str, Any], contact: dict[str, Any]) -> None:
    """Rebuild a case's blind indexes from its (plaintext, in memory) identity and contact details."""
    BlindIndex.objects.filter(case=case).delete()
    BlindIndex.objects.bulk_create(_index_rows(case, identity, contact))


def _index_rows(case: Case, identity: dict[str, Any], contact: dict[str, Any]) -> list[BlindIndex]:
    """A case's blind indexes (not saved), from its identity and contact details, each with the case's owner."""
    digests = crypto.digests(
        nik=identity.get("nik") or "",
        passport=identity.get("passport") or "",
        phones=contact.get("phones") or [],
        names=" ".join([identity.get("full_name") or "", *(identity.get("aliases") or [])]),
    )
    return [BlindIndex(case=case, owner_id=case.owner_id, kind=kind, digest=digest) for kind, digest in digests]


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
    then: Callable[[Case], Iterable[Model]] | None = None,
) -> Case:
    """Open a case at the actor's organisation and grant it to that organisation (or to the named users).
    ``then``: the caller's own work on the new case, run in the case's transaction before its rows are written (the
    intake's duplicate check and its notices: one commit with the case, not a second transaction after it); the new
    rows it returns are written with the case's, in the same statement (the check's access-log entry, placed)."""
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
    full_clean(case, exclude=["reference", "created_by"])
    # The number is taken in its own short transaction, so that intakes at one organisation do not wait for each
    # other's whole transaction (a failed intake leaves a gap in the numbers, which identify no one anyway).
    case.reference = _next_reference(case)
    with transaction.atomic():
        extra = list(then(case)) if then is not None else []
        _case_open_write(case, actor, identity, contact, narrative, needs, consents, named, extra)
    return case


def _case_open_write(
    case: Case,
    actor: User,
    identity: dict[str, Any],
    contact: dict[str, Any],
    narrative: str,
    needs: str,
    consents: Iterable[dict[str, Any]],
    named: list[User],
    extra: list[Model],
) -> Case:
    """The case's rows, in one statement (core.rows): the case, its data key, its blind indexes, the owner's grants,
    the consents given and the first follow-up's reminder, with the case's and the consents' history, and the
    caller's ``extra`` rows. A new case has no blind index, grant, consent or reminder yet: nothing to replace."""
    vault = Vault.new(case.pk)
    _seal_sensitive(vault, case, identity=identity, contact=contact, narrative=narrative, needs=needs)
    with_actor(case, actor)
    given = consents_of_new_case(actor=actor, case=case, consents=consents)
    rows.insert(
        [
            case,
            vault.key_row(case),
            *_index_rows(case, identity, contact),
            *access.owner_grant_rows(case, named),
            *given,
            *case_reminders.follow_up_rows(case),
            *extra,
        ]
    )
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


def _same_json(vault: Vault, case: Case, column: str, values: dict[str, Any], keys: Any) -> bool:
    stored = vault.open_json(CASE, column, case.pk, getattr(case, column))

    def kept(data: dict[str, Any]) -> dict[str, Any]:  # what seal_json would store
        return {k: data.get(k) for k in keys if data.get(k) not in ("", None, [], ())}

    try:
        return json.loads(json.dumps(kept(values), sort_keys=True)) == kept(stored)
    except TypeError:
        return False


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
    _require(actor, case, "change")
    if case.version != expected_version:
        raise CaseConflict(case)
    for field in SUMMARY_FIELDS:
        if summary is not None and field in summary:
            setattr(case, field, summary[field])
    _check_assignee(case, case.assigned_to, access.named_users(case) if case.is_restricted else [])
    case.full_clean()
    vault = Vault.for_case(case)
    # Only the sections whose text changed are sealed again: a fresh ciphertext of the same text would show in the
    # history as a change nobody made.
    if identity is not None and _same_json(vault, case, "identity_enc", identity, IDENTITY_KEYS):
        identity = None
    if contact is not None and _same_json(vault, case, "contact_enc", contact, CONTACT_KEYS):
        contact = None
    if narrative is not None and narrative == vault.open(CASE, "narrative_enc", case.pk, case.narrative_enc):
        narrative = None
    if needs is not None and needs == vault.open(CASE, "needs_enc", case.pk, case.needs_enc):
        needs = None
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
    with_actor(case, actor)
    case.save()
    case_reminders.schedule_follow_up(case)
    return case


@transaction.atomic
def case_close(*, actor: User, case: Case, expected_version: int, reason: str) -> Case:
    case = Case.objects.select_for_update().get(pk=case.pk)
    _require(actor, case, "change")
    if case.version != expected_version:
        raise CaseConflict(case)
    if case.is_closed:
        raise ValidationError(_("This case is already closed."))
    case.status = CaseStatus.CLOSED
    case.closure_reason = reason
    case.next_follow_up = None
    case.full_clean()
    case.version += 1
    with_actor(case, actor)
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
    _require(actor, case, "change")
    if case.version != expected_version:
        raise CaseConflict(case)
    if not case.is_closed:
        raise ValidationError(_("Only a closed case can be reopened."))
    case.status = CaseStatus.ACTIVE
    case.closure_reason = ""
    case.next_follow_up = rhythm.first_contact(case.risk_level, timezone.localdate())
    case.version += 1
    case.last_activity_at = timezone.now()
    with_actor(case, actor)
    case.save()
    update_change_reason(case, "reopened")
    case_reminders.schedule_follow_up(case)
    return case


@transaction.atomic
def case_set_restriction(*, actor: User, case: Case, is_restricted: bool, named_users: Iterable[User]) -> Case:
    """Restrict a case to named caseworkers of its organisation, or open it again to the whole organisation."""
    case = Case.objects.select_for_update(of=("self",)).select_related("owner").get(pk=case.pk)
    _require(actor, case, "change")
    named = list(named_users)
    if is_restricted and actor not in named:
        named.append(actor)
    case.is_restricted = is_restricted
    _check_named(case, named)
    if is_restricted and case.assigned_to is not None and case.assigned_to not in named:
        named.append(case.assigned_to)
        _check_named(case, named)
    case.version += 1
    with_actor(case, actor)
    case.save()
    update_change_reason(case, "restricted" if is_restricted else "unrestricted")
    access.grant_owner(case, named)
    return case


@transaction.atomic
def case_key_destroy(*, actor: User, case: Case) -> None:
    """Erase a case's sensitive data everywhere at once by destroying its data key (see vault.destroy_case_key)."""
    _require(actor, case, "change")
    destroy_case_key(case)
    BlindIndex.objects.filter(case=case).delete()
    case = Case.objects.get(pk=case.pk)
    case.version += 1
    with_actor(case, actor)
    case.save()
    update_change_reason(case, "data key destroyed")
