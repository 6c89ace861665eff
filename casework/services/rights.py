"""The person's rights under UU 27/2022: a subject access export, erasure, and the retention review.

Four eyes: every request is made by one caseworker of the owner organisation and approved by a second one (never the
same person; the database refuses it too). Every step is in the access log (reference, request id and kind only).

- An approved export is available for ``JEJARING_EXPORT_HOURS`` (24): a printable page and a ZIP (JSON and the
  decrypted attachments) built while it is downloaded, never stored.
- An approved erasure is carried out at once by destroying the case's data key: live rows, history, attachments and
  referral texts become unreadable together; the reference and statistics fields stay and the case is marked erased.
  Pending referrals are cancelled through casework.hooks.case_erased, their receivers told without personal data.
"""

from __future__ import annotations

import json
import uuid
import zipfile
from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import update_change_reason

from accounts.models import User
from audit import access_log
from audit import selectors as audit_selectors
from audit.models import AccessLog
from casework import access, hooks, selectors
from casework import attachments as files
from casework.choices import CaseStatus
from casework.history import case_history
from casework.models import Attachment, BlindIndex, Case, RightsRequest
from casework.services.base import _require
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


# --- The export ------------------------------------------------------------------------------------------------


def export_for(*, actor: User, case: Case, rights_id: Any) -> RightsRequest:
    """An approved export of this case that is still available, for a caseworker of the owner organisation."""
    _require(actor, case, "change")
    rights = RightsRequest.objects.filter(case=case, pk=rights_id, kind=Kind.EXPORT).first()
    if rights is None or not rights.is_available:
        raise PermissionDenied
    return rights


def _who(user_id: int | None, roles: dict[int, tuple[str, str]]) -> str:
    organisation, role = roles.get(user_id or 0, ("", ""))
    return " · ".join(part for part in (organisation, role) if part) or "—"


def export_data(*, actor: User, case: Case, rights: RightsRequest, request: Any = None, event: str = "") -> dict:
    """Everything Jejaring holds about the person, as plain data. Colleagues are named by organisation and role."""
    if event:
        _log(event, actor, case, rights, request)
    case.access = _require(actor, case, "change")
    sensitive = selectors.case_sensitive(case)
    people = User.objects.filter(membership__isnull=False).values_list(
        "pk", "membership__organisation__name", "membership__role"
    )
    roles = {pk: (org or "", role or "") for pk, org, role in people}
    from accounts.choices import Role

    role_labels = dict(Role.choices)
    roles = {pk: (org, str(role_labels.get(role, role))) for pk, (org, role) in roles.items()}
    summary_fields = [
        "reference",
        "status",
        "closure_reason",
        "risk_level",
        "intake_channel",
        "intake_date",
        "trafficking_status",
        "exploitation_types",
        "labour_sector",
        "origin_province",
        "origin_regency",
        "destination_country",
        "gender",
        "birth_year",
        "age_band",
        "nationality",
        "created_at",
        "erased_at",
    ]
    data: dict[str, Any] = {
        "generated_at": timezone.now(),
        "reference": case.reference,
        "erased": case.erased_at is not None,
        "owner": case.owner.name,
        "summary": {name: getattr(case, name) for name in summary_fields},
        "identity": sensitive.get("identity", {}),
        "contact": sensitive.get("contact", {}),
        "narrative": sensitive.get("narrative", ""),
        "needs": sensitive.get("needs", ""),
        "notes": [
            {"written": item.note.created_at, "by": _who(item.note.author_id, roles), "text": item.body}
            for item in selectors.case_notes(case)
        ],
        "services": [
            {
                "service": item.record.get_service_type_display(),
                "provider": item.record.provider.name,
                "status": item.record.get_status_display(),
                "started": item.record.started_on,
                "ended": item.record.ended_on,
                "outcome": item.outcome,
            }
            for item in selectors.case_services(case, viewer=actor)
        ],
        "consents": [
            {
                "kind": consent.get_kind_display(),
                "given_on": consent.given_on,
                "given_by": consent.get_given_by_display(),
                "withdrawn_on": consent.withdrawn_on,
            }
            for consent in selectors.case_consents(case)
        ],
        "attachments": [
            {
                "file": f"attachments/{index:03d}-{item.name}" if item.name else "",
                "name": item.name,
                "description": item.description,
                "part": item.attachment.get_section_display(),
                "size": item.attachment.size,
                "type": item.attachment.content_type,
                "uploaded": item.attachment.uploaded_at,
            }
            for index, item in enumerate(selectors.case_attachments(case), start=1)
        ],
        "history": [
            {
                "when": entry.when,
                "what": entry.what,
                "kind": entry.kind,
                "reason": entry.reason,
                "changes": [
                    {"field": c.label, "old": "" if c.hidden else c.old, "new": "" if c.hidden else c.new}
                    for c in entry.changes
                ],
            }
            for entry in case_history(case, viewer_access=case.access)
        ],
        "viewed_by": [
            {**row, "role": str(role_labels.get(row["role"], row["role"]))}
            for row in audit_selectors.viewers_of(case.pk)
        ],
    }
    for hook in hooks.case_export_parts:
        key, rows = hook(case=case)
        data[key] = rows
    return data


class _Sink:
    """A write-only stream whose bytes are handed on as they come (zipfile writes to unseekable streams)."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []
        self._offset = 0

    def write(self, data: bytes) -> int:
        self._parts.append(bytes(data))
        self._offset += len(data)
        return len(data)

    def tell(self) -> int:
        return self._offset

    def flush(self) -> None:
        return None

    def drain(self) -> bytes:
        out = b"".join(self._parts)
        self._parts.clear()
        return out


def export_zip_stream(*, actor: User, case: Case, rights: RightsRequest, request: Any = None) -> Iterator[bytes]:
    """The ZIP of an export, built while it is sent: export.json, then each attachment decrypted chunk by chunk.
    Nothing of it is written to disk."""
    data = export_data(actor=actor, case=case, rights=rights, request=request, event=AccessLog.Event.EXPORT_DOWNLOADED)
    live = [] if case.erased_at else selectors.case_attachments(case)
    key = Vault.for_case(case).key() if live else b""
    sink = _Sink()
    archive = zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED)  # type: ignore[call-overload]
    with archive.open("export.json", "w") as entry:
        entry.write(json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2).encode())
    yield sink.drain()
    for index, item in enumerate(live, start=1):
        attachment = item.attachment
        with archive.open(f"attachments/{index:03d}-{item.name}", "w", force_zip64=True) as entry:
            for chunk in files.decrypt_chunks(key, attachment.pk, attachment.storage_name, attachment.chunk_count):
                entry.write(chunk)
                yield sink.drain()
        yield sink.drain()
    archive.close()
    yield sink.drain()


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
    return list(RightsRequest.objects.filter(case=case).select_related("requested_by", "approved_by"))
