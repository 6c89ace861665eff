"""Telling an organisation that another one asked about a person it holds a case for."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.utils import timezone

from accounts.models import User
from casework import reminders as case_reminders
from notifications import reminders

if TYPE_CHECKING:
    from casework.duplicate_selectors import DuplicateMatch


def duplicate_holders_notify(*, actor: User, matches: Iterable[DuplicateMatch]) -> int:
    """A duplicate check (or a new case) matched cases of other organisations: each holder's caseworkers are told, on
    the holder's own case, which organisation asked (its code), so that the holder decides whether to make contact.
    No identifier and no name travel. One notice per case, asking organisation and day. Returns how many."""
    asker = actor.organisation
    if asker is None:
        return 0
    day = timezone.localdate().isoformat()
    told = 0
    for match in matches:
        if match.organisation.pk == asker.pk:
            continue  # the asker's own organisation sees its cases in the answer itself
        for case_id, reference in match.holder_cases:
            reminders.notify_now(
                kind=case_reminders.DUPLICATE_ASKED,
                dedupe_key=f"{case_id}:{asker.pk}:{day}",
                object_type="case",
                object_id=case_id,
                object_ref=reference,
                params={"asker": asker.code},
            )
            told += 1
    return told
