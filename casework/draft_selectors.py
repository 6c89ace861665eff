"""Reads of a caseworker's own intake drafts for the "continue an unfinished intake" offer of the intake page (part
of casework.selectors' reads; nobody reads another person's draft)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils import timezone

from accounts.models import User
from casework import crypto, drafts
from casework.models import IntakeDraft

OFFERED = 5  # at most this many drafts are offered, the newest first


@dataclass(frozen=True)
class DraftOffer:
    id: Any
    name: str  # the name typed into it, shown only to its owner; "" when none yet
    saved_at: datetime


def intake_drafts_offered(user: User, *, exclude: Any = None) -> list[DraftOffer]:
    """The user's live drafts that hold something (begun at their current organisation, not expired), newest first,
    at most OFFERED, without ``exclude`` (the page's own). A draft that no longer opens is left out."""
    if user.organisation is None:
        return []
    mine = IntakeDraft.objects.filter(
        owner=user, organisation=user.organisation, expires_at__gt=timezone.now(), saved_at__isnull=False
    ).exclude(payload_enc="")
    if exclude is not None:
        mine = mine.exclude(pk=exclude)
    offers = []
    for draft in mine.order_by("-saved_at")[:OFFERED]:
        try:
            fields = drafts.open_fields(draft)
        except crypto.CryptoError:
            continue
        name = " ".join((fields.get("full_name") or [""])[-1].split())[:80]
        assert draft.saved_at is not None
        offers.append(DraftOffer(id=draft.pk, name=name, saved_at=draft.saved_at))
    return offers


def intake_draft_of(user: User, draft_id: Any = None) -> IntakeDraft | None:
    """The user's own live draft (begun at their current organisation, not expired); with ``draft_id``, only if it is
    that one. Nobody reads another person's draft."""
    drafts_of_user = IntakeDraft.objects.filter(
        owner=user, organisation=user.organisation, expires_at__gt=timezone.now()
    )
    if draft_id is not None:
        try:
            drafts_of_user = drafts_of_user.filter(pk=uuid.UUID(str(draft_id)))
        except ValueError:
            return None
    return drafts_of_user.first() if user.organisation is not None else None


def intake_draft_fields(draft: IntakeDraft) -> dict[str, list[str]]:
    """What the draft holds, for its owner's intake page. A draft that no longer opens (its master key retired) is
    empty: it was only a scratch copy."""
    try:
        return drafts.open_fields(draft)
    except crypto.CryptoError:
        return {}
