"""The intake drafts: what a caseworker has typed into a new case, saved as they type, sealed at rest; one per intake
page, so that two tabs keep two drafts.

The draft has its own random data key, wrapped by the current master key and bound to the draft's id; the posted
fields are one JSON document sealed under it (AES-256-GCM, associated data naming the draft's id). Nothing is kept in
the browser. Drafts have no history (a scratch copy) and no access-log entry: they hold only what their owner typed,
and only their owner reads them. They end when the case is opened, when their owner discards them, when their owner
leaves the organisation, or JEJARING_INTAKE_DRAFT_DAYS after the last save (the dispatcher's scan deletes them).
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import Role
from accounts.models import User
from casework import crypto, drafts
from casework.models import IntakeDraft

MAX_FIELDS = 80
MAX_VALUES = 200  # values of one field (the longest checkbox list has 29)
MAX_CHARS = 200_000  # of the whole draft: the two long texts are 20,000 characters each
EMPTY_KEPT = timedelta(days=1)  # an intake page left open that long without a keystroke: its empty draft goes
MAX_EMPTY = 5  # drafts of one caseworker not yet typed into (intake pages open without a keystroke)


def _expiry(now: datetime) -> datetime:
    return now + timedelta(days=settings.JEJARING_INTAKE_DRAFT_DAYS)


def _require_caseworker(actor: User) -> None:
    if actor.role != Role.CASEWORKER or actor.organisation is None:
        raise PermissionDenied


def intake_draft_open(*, actor: User, draft_id: Any = None) -> IntakeDraft:
    """The actor's draft ``draft_id`` (the one the intake page holds), else a new, empty one: every intake page has its
    own, so that two tabs keep two drafts. Drafts begun at another organisation, or past their expiry, are discarded
    first."""
    _require_caseworker(actor)
    now = timezone.now()
    with transaction.atomic():
        IntakeDraft.objects.filter(owner=actor).exclude(organisation=actor.organisation).delete()
        IntakeDraft.objects.filter(owner=actor, expires_at__lte=now).delete()
        draft = None
        if draft_id:
            try:
                draft = IntakeDraft.objects.filter(owner=actor, pk=uuid.UUID(str(draft_id))).first()
            except ValueError:
                draft = None
        if draft is None:
            draft = IntakeDraft(owner=actor, organisation=actor.organisation, expires_at=_expiry(now))
            drafts.new_key(draft)
            draft.save(force_insert=True)
            # Pages opened and left without a keystroke leave empty drafts: only the newest few are kept (this one
            # always: others may have been created at the same instant).
            empty = IntakeDraft.objects.filter(owner=actor, saved_at__isnull=True).exclude(pk=draft.pk)
            surplus = empty.order_by("-created_at").values_list("pk", flat=True)[MAX_EMPTY - 1 :]
            IntakeDraft.objects.filter(pk__in=list(surplus)).delete()
    return draft


def _clean_fields(fields: dict[str, list[str]]) -> dict[str, list[str]]:
    if len(fields) > MAX_FIELDS or any(len(values) > MAX_VALUES for values in fields.values()):
        raise ValidationError(_("This draft is too large to keep."), code="too_large")
    cleaned = {str(name): [str(value) for value in values] for name, values in fields.items()}
    if sum(len(name) + sum(len(value) for value in values) for name, values in cleaned.items()) > MAX_CHARS:
        raise ValidationError(_("This draft is too large to keep."), code="too_large")
    return cleaned


def intake_draft_save(*, actor: User, fields: dict[str, list[str]], draft_id: Any = None) -> IntakeDraft:
    """Seal what the actor has typed into their draft ``draft_id`` (replacing what it held; a new draft when it is
    gone) and move its expiry on."""
    cleaned = _clean_fields(fields)
    draft = intake_draft_open(actor=actor, draft_id=draft_id)
    drafts.seal(draft, cleaned)
    now = timezone.now()
    draft.saved_at, draft.expires_at = now, _expiry(now)
    draft.save(update_fields=["payload_enc", "saved_at", "expires_at"])
    return draft


def intake_draft_discard(*, actor: User, draft_id: Any = None) -> int:
    """Delete the actor's draft ``draft_id`` (after its case is opened, or when they discard it); without an id,
    all of theirs. Returns how many went."""
    mine = IntakeDraft.objects.filter(owner=actor)
    if draft_id is not None:
        try:
            mine = mine.filter(pk=uuid.UUID(str(draft_id)))
        except ValueError:
            return 0
    deleted, _rows = mine.delete()
    return deleted


def intake_drafts_purge(now: datetime) -> int:
    """Delete drafts past their expiry (run by the dispatcher's scan, every minute). Returns 0: it schedules no
    reminder."""
    IntakeDraft.objects.filter(expires_at__lte=now).delete()
    IntakeDraft.objects.filter(saved_at__isnull=True, created_at__lte=now - EMPTY_KEPT).delete()
    return 0


def intake_draft_rewrap() -> int:
    """Re-wrap every draft's data key under the current master key (rotate_master_key). Returns how many."""
    current = crypto.current_master_key_id()
    count = 0
    for draft in IntakeDraft.objects.exclude(master_key_id=current):
        try:
            drafts.rewrap(draft)
        except crypto.CryptoError:
            draft.delete()  # a scratch copy that no longer opens is of no use to anyone
            continue
        draft.save(update_fields=["wrapped_key", "master_key_id"])
        count += 1
    return count
