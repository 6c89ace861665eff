"""Re-wrap every case's data key, and re-seal every two-factor secret, under the current (first) master key. No case
data is re-encrypted."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts import two_factor
from casework import crypto
from casework.models import CaseKey
from casework.services import intake_draft_rewrap

BATCH = 500


class Command(BaseCommand):
    help = (
        "Re-wrap all case data keys and re-seal all two-factor secrets under the first key of JEJARING_MASTER_KEYS, "
        "and report the counts."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        current = crypto.current_master_key_id()
        counts = {"rewrapped": 0, "already_current": 0, "destroyed": 0}
        pending = CaseKey.objects.exclude(master_key_id=current).exclude(wrapped="")
        counts["already_current"] = CaseKey.objects.filter(master_key_id=current).exclude(wrapped="").count()
        counts["destroyed"] = CaseKey.objects.filter(wrapped="").count()
        while True:
            with transaction.atomic():
                batch = list(pending.select_for_update(skip_locked=True).order_by("case_id")[:BATCH])
                if not batch:
                    break
                now = timezone.now()
                for key in batch:
                    owner = str(key.case_id)
                    try:
                        data_key = crypto.unwrap_data_key(key.wrapped, owner)
                    except crypto.CryptoError as error:
                        raise CommandError(f"case key {owner} cannot be unwrapped: {error}") from None
                    key.wrapped = crypto.wrap_data_key(data_key, owner)
                    key.master_key_id = current
                    key.rotated_at = now
                CaseKey.objects.bulk_update(batch, ["wrapped", "master_key_id", "rotated_at"])
                counts["rewrapped"] += len(batch)
        self.stdout.write(
            "Data keys re-wrapped under master key {current}: {rewrapped}; already under it: {already_current}; "
            "destroyed (skipped): {destroyed}.".format(current=current, **counts)
        )
        devices = two_factor.reseal_authenticators()
        self.stdout.write(
            "Two-factor secrets re-sealed under master key {current}: {resealed}; already under it: "
            "{already_current}.".format(current=current, **devices)
        )
        drafts = intake_draft_rewrap()
        self.stdout.write(f"Intake drafts re-wrapped: {drafts}.")
        if counts["rewrapped"] or devices["resealed"]:
            self.stdout.write(
                "Older master keys can be removed from JEJARING_MASTER_KEYS once backups that need them are retired."
            )
