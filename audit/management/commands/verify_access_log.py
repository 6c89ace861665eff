"""Walk the access log's chains and check its anchors; report the first problem, or how many entries were verified."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from audit.verification import verify_chain


class Command(BaseCommand):
    help = (
        "Verify the access log: every chain's keyed hashes, the signed anchors in the database, in "
        "JEJARING_LOG_ANCHOR_FILE and in any anchor lines given from the shipped application log. "
        "Exits with an error at the first problem."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--anchors-from",
            action="append",
            default=[],
            metavar="FILE",
            help="a file of 'access-log anchor {...}' lines, e.g. exported from the log shipper (repeatable)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        lines: list[str] = []
        for path in options["anchors_from"]:
            lines += Path(path).read_text(encoding="utf-8").splitlines()
        result = verify_chain(outside_lines=lines)
        if not result.ok:
            where = f" at entry {result.first_broken_id}" if result.first_broken_id else ""
            raise CommandError(f"The access log is broken{where}: {result.problem}.")
        self.stdout.write(self.style.SUCCESS(f"Access log chain verified: {result.entries_verified} entries."))
