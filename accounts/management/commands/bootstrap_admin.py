"""Create the network's first admin (and its organisation) on a new installation."""

from __future__ import annotations

import getpass
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from accounts import account_actions, services
from accounts.choices import OrganisationKind, Role
from accounts.models import Organisation, User
from core import provinces


class Command(BaseCommand):
    help = "Create an admin account in an organisation (created if missing). The password is asked for, never passed."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--username", required=True)
        parser.add_argument("--email", required=True)
        parser.add_argument("--organisation-code", required=True, help="2 to 6 capital letters, e.g. SEK")
        parser.add_argument("--organisation-name", help="needed when the organisation does not exist yet")
        parser.add_argument("--province", default="31", choices=[code for code, _name in provinces.CHOICES])

    def handle(self, *args: Any, **options: Any) -> None:
        if User.objects.filter(username=options["username"]).exists():
            raise CommandError(f"user {options['username']} already exists")
        password = getpass.getpass("Password: ")
        if password != getpass.getpass("Password (again): "):
            raise CommandError("the passwords differ")
        try:
            validate_password(password)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        actor = services.system_user()
        with transaction.atomic():
            organisation = Organisation.objects.filter(code=options["organisation_code"]).first()
            if organisation is None:
                if not options["organisation_name"]:
                    raise CommandError("the organisation does not exist: give --organisation-name to create it")
                organisation = services.organisation_create(
                    actor=actor,
                    name=options["organisation_name"],
                    code=options["organisation_code"],
                    kind=OrganisationKind.TASK_FORCE,
                    province=options["province"],
                )
            admin = services.user_create(
                actor=actor,
                username=options["username"],
                email=options["email"],
                password=password,
                organisation=organisation,
                role=Role.ADMIN,
            )
            account_actions.account_changed_by_command(command="bootstrap_admin", user=admin, detail="created admin")
        self.stdout.write(f"Admin {options['username']} created. On first sign-in they enrol two-factor sign-in.")
