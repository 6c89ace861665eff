"""The person's rights under UU 27/2022: a subject access export, erasure, and the retention review.

Four eyes: every request is made by one caseworker of the owner organisation and approved by a second one (never the
same person; the database refuses it too). Every step is in the access log (reference, request id and kind only).

- A second member may instead reject a waiting request, with a reason (never the requester, as for approval): the
  request is closed, cannot be approved any more, and its requester is told in the app (reference and kind only).
- An approved export is available for ``JEJARING_EXPORT_HOURS`` (24): a printable page and a ZIP (JSON and the
  decrypted attachments) built while it is downloaded, never stored (casework.services.rights_export).
- An approved erasure is carried out at once by destroying the case's data key: live rows, history, attachments and
  referral texts become unreadable together; the reference and statistics fields stay and the case is marked erased.
  Pending referrals are cancelled through casework.hooks.case_erased, their receivers told without personal data.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import update_change_reason

from accounts.models import User
from audit import access_log
from audit.models import AccessLog
from casework import access, hooks
from casework import attachments as files
from casework import reminders as case_reminders
from casework.choices import CaseStatus
from casework.models import Attachment, BlindIndex, Case, RightsRequest
from casework.services.base import _require
from casework.services.rights_export import export_data, export_for, export_zip_stream  # noqa: F401 - the views' names
from casework.vault import RIGHTS, Vault, destroy_case_key
from core.history import with_actor

Kind = RightsRequest.Kind
State = RightsRequest.State


def _log(event: str, actor: User, case: Case, rights: RightsRequest, request: Any = None) -> None:
    access_log.record_for(event, actor=actor, obj=case, request=request, detail=f"{rights.kind} {rights.pk}")


@transaction.atomic
def rights_request(
    *, actor: User, case: Case, kind: str, reason: str = "", batch: uuid.UUID | None = None, request: Any = None
) -> RightsRequest:
    """A caseworker of the owner organisation asks for an export or an erasure; a colleague must approve it."""
    _require(actor, case, "change")
    if kind not in Kind.values:
        raise ValidationError({"kind": _("Choose what is asked for.")})
    if case.erased_at is not None:
        raise ValidationError(_("This case was erased already."))
    if kind == Kind.ERASURE and not reason.strip():
        raise ValidationError({"reason": _("Say why the person's data is to be erased.")})
    if RightsRequest.objects.filter(case=case, kind=kind, state=State.REQUESTED).exists():
        raise ValidationError(_("A request of this kind is already waiting for approval."))
    rights = RightsRequest(case=case, kind=kind, requested_by=actor, batch=batch)
    rights.reason_enc = Vault.for_case(case).seal(RIGHTS, "reason_enc", rights.pk, reason.strip())
    with_actor(rights, actor)
    rights.save(force_insert=True)
    _log(AccessLog.Event.RIGHTS_REQUESTED, actor, case, rights, request)
    return rights


@transaction.atomic
def rights_approve(*, actor: User, rights: RightsRequest, request: Any = None) -> RightsRequest:
    """A second caseworker of the owner organisation approves. An export becomes available for 24 hours; an erasure
    is carried out at once."""
    rights = RightsRequest.objects.select_for_update(of=("self",)).select_related("case").get(pk=rights.pk)
    case = rights.case
    _require(actor, case, "change")
    if rights.requested_by_id == actor.pk:
        raise PermissionDenied(_("A request must be approved by a colleague, not by the person who made it."))
    if rights.state != State.REQUESTED:
        raise ValidationError(_("This request is no longer waiting for approval."))
    now = timezone.now()
    rights.state, rights.approved_by, rights.approved_at = State.APPROVED, actor, now
    if rights.kind == Kind.EXPORT:
        rights.expires_at = now + timedelta(hours=settings.JEJARING_EXPORT_HOURS)
    with_actor(rights, actor)
    rights.save()
    _log(AccessLog.Event.RIGHTS_APPROVED, actor, case, rights, request)
    if rights.kind == Kind.ERASURE:
        _erase(actor=actor, case=case, request=request)
        rights.state = State.DONE
        with_actor(rights, actor)
        rights.save()
        update_change_reason(rights, "carried out")
    return rights


@transaction.atomic
def rights_reject(*, actor: User, rights: RightsRequest, reason: str, request: Any = None) -> RightsRequest:
    """A second caseworker of the owner organisation rejects a waiting request, saying why: it is closed (it cannot
    be approved any more; a new request may be made) and its requester is told, with the reference and kind only."""
    rights = RightsRequest.objects.select_for_update(of=("self",)).select_related("case").get(pk=rights.pk)
    case = rights.case
    _require(actor, case, "change")
    if rights.requested_by_id == actor.pk:
        raise PermissionDenied(_("A request must be rejected by a colleague, not by the person who made it."))
    if rights.state != State.REQUESTED:
        raise ValidationError(_("This request is no longer waiting for approval."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the request is rejected.")})
    rights.state, rights.rejected_by, rights.rejected_at = State.REJECTED, actor, timezone.now()
    rights.rejection_enc = Vault.for_case(case).seal(RIGHTS, "rejection_enc", rights.pk, reason.strip())
    with_actor(rights, actor)
    rights.save()
    update_change_reason(rights, "rejected")
    _log(AccessLog.Event.RIGHTS_REJECTED, actor, case, rights, request)
    case_reminders.rights_rejected_notify(rights)
    return rights


def rights_reject_batch(*, actor: User, batch: uuid.UUID, reason: str, request: Any = None) -> list[RightsRequest]:
    """Reject every request proposed together (the retention review), each with the same checks and reason."""
    pending = list(RightsRequest.objects.filter(batch=batch, state=State.REQUESTED).select_related("case"))
    if not pending:
        raise ValidationError(_("Nothing of this proposal is waiting for approval."))
    with transaction.atomic():
        return [rights_reject(actor=actor, rights=rights, reason=reason, request=request) for rights in pending]


def rights_approve_batch(*, actor: User, batch: uuid.UUID, request: Any = None) -> list[RightsRequest]:
    """Approve every request proposed together (the retention review), each with the same checks."""
    pending = list(RightsRequest.objects.filter(batch=batch, state=State.REQUESTED).select_related("case"))
    if not pending:
        raise ValidationError(_("Nothing of this proposal is waiting for approval."))
    with transaction.atomic():
        return [rights_approve(actor=actor, rights=rights, request=request) for rights in pending]


def _erase(*, actor: User, case: Case, request: Any = None) -> None:
    case = Case.objects.select_for_update(of=("self",)).get(pk=case.pk)
    if case.erased_at is not None:
        return
    for hook in hooks.case_erased:
        hook(case=case, actor=actor)  # referrals: cancel the pending ones, tell their receivers (no personal data)
    destroy_case_key(case)
    BlindIndex.objects.filter(case=case).delete()
    case.erased_at = timezone.now()
    case.next_follow_up = None
    case.version += 1
    with_actor(case, actor)
    case.save()
    update_change_reason(case, "erased")
    names = list(Attachment.objects.filter(case=case).values_list("storage_name", flat=True))
    access_log.record_for(AccessLog.Event.CASE_ERASED, actor=actor, obj=case, request=request, detail="key destroyed")

    def remove_objects() -> None:  # unreadable already; removing the ciphertext is housekeeping
        for name in names:
            files.storage().delete(name)

    transaction.on_commit(remove_objects)


def reason_of(rights: RightsRequest) -> str:
    if rights.case.erased_at is not None:
        return ""
    return Vault(rights.case_id).open(RIGHTS, "reason_enc", rights.pk, rights.reason_enc)


def rejection_of(rights: RightsRequest) -> str:
    if rights.case.erased_at is not None or not rights.rejection_enc:
        return ""
    return Vault(rights.case_id).open(RIGHTS, "rejection_enc", rights.pk, rights.rejection_enc)


# --- Retention ---------------------------------------------------------------------------------------------------


def _closed_at() -> Subquery:
    return Subquery(
        Case.history.filter(id=OuterRef("pk"), history_change_reason="closed")
        .order_by("-history_date")
        .values("history_date")[:1]
    )


def retention_due(user: User, *, now: datetime | None = None) -> QuerySet[Case]:
    """Closed cases of the user's organisation (that the user may change) closed more than JEJARING_RETENTION_YEARS
    ago, not erased and with no erasure waiting for approval: the review list."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=365 * settings.JEJARING_RETENTION_YEARS + settings.JEJARING_RETENTION_YEARS // 4)
    waiting = RightsRequest.objects.filter(kind=Kind.ERASURE, state=State.REQUESTED).values("case_id")
    if user.organisation is None:
        return Case.objects.none()
    return (
        access.cases_with(user, access.CHANGE)
        .filter(owner=user.organisation, status=CaseStatus.CLOSED, erased_at__isnull=True)
        .exclude(pk__in=waiting)
        .annotate(closed_at=_closed_at())
        .filter(closed_at__lt=cutoff)
        .defer("identity_enc", "contact_enc", "narrative_enc", "needs_enc")
        .order_by("closed_at")
    )


def retention_propose(*, actor: User, cases: Iterable[Case], reason: str, request: Any = None) -> uuid.UUID:
    """Propose the erasure of several cases at once: one request each, in one batch, approved together."""
    batch = uuid.uuid4()
    chosen = list(cases)
    if not chosen:
        raise ValidationError({"cases": _("Choose at least one case.")})
    with transaction.atomic():
        for case in chosen:
            rights_request(actor=actor, case=case, kind=Kind.ERASURE, reason=reason, batch=batch, request=request)
    return batch


def pending_batches(user: User) -> list[dict[str, Any]]:
    """Retention proposals of the user's organisation waiting for approval."""
    if user.organisation is None:
        return []
    rows = (
        RightsRequest.objects.filter(
            state=State.REQUESTED, batch__isnull=False, case__owner=user.organisation, kind=Kind.ERASURE
        )
        .select_related("case", "requested_by")
        .order_by("requested_at")
    )
    batches: dict[uuid.UUID, dict[str, Any]] = {}
    for row in rows:
        assert row.batch is not None
        entry = batches.setdefault(
            row.batch, {"batch": row.batch, "requested_by": row.requested_by, "at": row.requested_at, "references": []}
        )
        entry["references"].append(row.case.reference)
    return list(batches.values())


def request_of(case: Case, request_id: Any) -> RightsRequest | None:
    try:
        pk = uuid.UUID(str(request_id))
    except ValueError:
        return None
    return RightsRequest.objects.filter(case=case, pk=pk).select_related("case").first()


def case_requests(case: Case) -> list[RightsRequest]:
    return list(RightsRequest.objects.filter(case=case).select_related("requested_by", "approved_by", "rejected_by"))
