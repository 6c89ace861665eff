"""Walk the access log's hash chain and report the first broken link, or how many entries were verified."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from audit.access_log import verify_chain


class Command(BaseCommand):
    help = "Verify the access log's hash chain. Exits with an error at the first broken link."

    def handle(self, *args: Any, **options: Any) -> None:
        result = verify_chain()
        if not result.ok:
            raise CommandError(
                f"The access log chain is broken at entry {result.first_broken_id} "
                f"(after {result.entries_verified} valid entries): an entry was changed or removed."
            )
        self.stdout.write(self.style.SUCCESS(f"Access log chain verified: {result.entries_verified} entries."))
