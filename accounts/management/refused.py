"""Django's commands that set another person's password (`changepassword`, `createsuperuser`) are refused: nobody
sets another person's password, not even from the server (issue 16).

The first admin is made with `bootstrap_admin` (logged); every other account gets a link to choose its own password,
sent by an admin from the admin screens (logged and told to the person and the other admins)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError


def refused(name: str) -> type[BaseCommand]:
    """A command that takes Django's arguments for ``name`` and refuses, saying what to do instead."""

    class Command(BaseCommand):
        help = "Refused in Jejaring: use bootstrap_admin for the first admin, and reset links for everyone else."

        def add_arguments(self, parser: Any) -> None:
            parser.add_argument("args", nargs="*")
            parser.add_argument("--username")
            parser.add_argument("--email")
            parser.add_argument("--database")
            parser.add_argument("--noinput", "--no-input", action="store_true")

        def handle(self, *args: Any, **options: Any) -> None:
            raise CommandError(
                f"{name} is refused: nobody sets another person's password. Create the first admin with "
                "'manage.py bootstrap_admin'; an admin sends everyone else a reset link from the admin screens."
            )

    return Command
