"""Load the demo network: organisations, people and (from the other apps) fictional cases. Safe to run again."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts import account_actions, demo, services, two_factor
from accounts.models import Authenticator as TOTPDevice
from accounts.models import Organisation, User


class Command(BaseCommand):
    help = "Create the demo network (fictional organisations, people and cases). Idempotent; refused in production."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--quiet", action="store_true", help="do not list the demo sign-ins")
        parser.add_argument("--sign-ins-only", action="store_true", help="only list the demo sign-ins")

    def handle(self, *args: Any, **options: Any) -> None:
        if options.get("sign_ins_only"):
            self.print_sign_ins()
            return
        if settings.PRODUCTION:
            raise CommandError("seed_demo creates accounts with published passwords and is refused in production.")
        with transaction.atomic():
            actor = services.system_user()
            created = self.seed_accounts(actor)
        from core.demo_hooks import run_hooks

        run_hooks(self.stdout)
        account_actions.account_changed_by_command(command="seed_demo", detail=f"created={created}")
        self.stdout.write(self.style.SUCCESS(f"Demo network ready ({created} new accounts)."))
        if not options.get("quiet"):
            self.print_sign_ins()

    def print_sign_ins(self) -> None:
        self.stdout.write(f"\nDemo sign-ins (password for all: {demo.DEMO_PASSWORD}):")
        for username, first_name, code, role, _language in demo.PEOPLE:
            self.stdout.write(f"  {username:<20} {role:<12} {code}  ({first_name})")
        self.stdout.write(
            "Coordinators and admins need a two-factor code: in this demo the verification page shows the current\n"
            "code of the demo account (JEJARING_DEMO=1, the default outside production; refused in production).\n"
        )

    def seed_accounts(self, actor: User) -> int:
        organisations: dict[str, Organisation] = {}
        for code, name, kind, province, offered in demo.ORGANISATIONS:
            organisation = Organisation.objects.filter(code=code).first()
            if organisation is None:
                organisation = services.organisation_create(
                    actor=actor, name=name, code=code, kind=kind, province=province, services=offered
                )
            organisations[code] = organisation
        created = 0
        for username, first_name, code, role, language in demo.PEOPLE:
            if User.objects.filter(username=username).exists():
                continue
            user = services.user_create(
                actor=actor,
                username=username,
                email=f"{username}@{demo.DEMO_EMAIL_DOMAIN}",
                password=demo.DEMO_PASSWORD,
                organisation=organisations[code],
                role=role,
                first_name=first_name,
                language=language,
            )
            if username == "pendamping.ykt":
                services.membership_set(
                    actor=actor, user=user, organisation=organisations[code], role=role, may_override_consent=True
                )
            if user.two_factor_required:
                # Demo mode shows this device's current code on the verification page (see README).
                device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
                two_factor.new_recovery_codes(device.user)
            created += 1
        return created
