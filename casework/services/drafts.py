"""The intake draft: what a caseworker has typed into a new case, saved as they type, sealed at rest.

The draft has its own random data key, wrapped by the current master key and bound to the draft's id; the posted
fields are one JSON document sealed under it (AES-256-GCM, associated data naming the draft's id). Nothing is kept in
the browser. Drafts have no history (a scratch copy) and no access-log entry: they hold only what their owner typed,
and only their owner reads them. They end when the case is opened, when their owner discards them, when their owner
leaves the organisation, or JEJARING_INTAKE_DRAFT_DAYS after the last save (the dispatcher's scan deletes them).
"""

from __future__ import annotations

from datetime import datetime, timedelta

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


def _expiry(now: datetime) -> datetime:
    return now + timedelta(days=settings.JEJARING_INTAKE_DRAFT_DAYS)


def _require_caseworker(actor: User) -> None:
    if actor.role != Role.CASEWORKER or actor.organisation is None:
        raise PermissionDenied


def intake_draft_open(*, actor: User) -> IntakeDraft:
    """The actor's draft, created (empty) if there is none: the intake page holds its id. A draft begun at another
    organisation, or past its expiry, is discarded first."""
    _require_caseworker(actor)
    now = timezone.now()
    with transaction.atomic():
        IntakeDraft.objects.filter(owner=actor).exclude(organisation=actor.organisation).delete()
        IntakeDraft.objects.filter(owner=actor, expires_at__lte=now).delete()
        draft = IntakeDraft.objects.filter(owner=actor).first()
        if draft is None:
            draft = IntakeDraft(owner=actor, organisation=actor.organisation, expires_at=_expiry(now))
            drafts.new_key(draft)
            draft.save(force_insert=True)
    return draft


def _clean_fields(fields: dict[str, list[str]]) -> dict[str, list[str]]:
    if len(fields) > MAX_FIELDS or any(len(values) > MAX_VALUES for values in fields.values()):
        raise ValidationError(_("This draft is too large to keep."), code="too_large")
    cleaned = {str(name): [str(value) for value in values] for name, values in fields.items()}
    if sum(len(name) + sum(len(value) for value in values) for name, values in cleaned.items()) > MAX_CHARS:
        raise ValidationError(_("This draft is too large to keep."), code="too_large")
    return cleaned


def intake_draft_save(*, actor: User, fields: dict[str, list[str]]) -> IntakeDraft:
    """Seal what the actor has typed into their draft (replacing what it held) and move its expiry on."""
    cleaned = _clean_fields(fields)
    draft = intake_draft_open(actor=actor)
    drafts.seal(draft, cleaned)
    now = timezone.now()
    draft.saved_at, draft.expires_at = now, _expiry(now)
    draft.save(update_fields=["payload_enc", "saved_at", "expires_at"])
    return draft


def intake_draft_discard(*, actor: User) -> int:
    """Delete the actor's draft (after the case is opened, or when they discard it). Returns how many went."""
    deleted, _rows = IntakeDraft.objects.filter(owner=actor).delete()
    return deleted


def intake_drafts_purge(now: datetime) -> int:
    """Delete drafts past their expiry (run by the dispatcher's scan, every minute). Returns 0: it schedules no
    reminder."""
    IntakeDraft.objects.filter(expires_at__lte=now).delete()
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
