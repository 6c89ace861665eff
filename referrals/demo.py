"""Demo referrals for ``seed_demo``: a few in each state, so that inboxes and the coordinators' queue have work."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from accounts.choices import Role
from accounts.models import Organisation, User
from casework.choices import ConsentKind
from casework.models import Case
from casework.selectors import active_consent
from referrals import services
from referrals.models import Referral

# from, to, services, urgency, sections, what happens next
PLAN = [
    ("YKT", "KPG", ["shelter", "psychosocial"], "urgent", ["identity", "needs"], "sent"),
    ("MTR", "JKT", ["repatriation", "civil_documents"], "routine", ["identity", "contact"], "accepted"),
    ("PTK", "SBY", ["shelter"], "emergency", ["identity"], "declined"),
    ("SBY", "KPG", ["medical"], "routine", ["narrative"], "completed"),
    ("KPG", "MTR", ["legal_aid", "restitution"], "routine", ["identity", "narrative"], "sent"),
]


def _caseworker(code: str) -> User | None:
    caseworkers = User.objects.filter(membership__organisation__code=code, membership__role=Role.CASEWORKER)
    return caseworkers.order_by("username").first()


def seed(out: Any) -> None:
    if Referral.objects.exists():
        return
    created = 0
    with transaction.atomic():
        for source, target, wanted, urgency, sections, then in PLAN:
            sender, receiver = _caseworker(source), _caseworker(target)
            to_org = Organisation.objects.filter(code=target).first()
            case = next(
                (
                    c
                    for c in Case.objects.filter(owner__code=source, is_restricted=False)
                    .exclude(status="closed")
                    .order_by("created_at")
                    if active_consent(c, ConsentKind.SHARING)
                ),
                None,
            )
            if not (sender and receiver and to_org and case):
                continue
            referral = services.referral_send(
                actor=sender,
                case=case,
                to_org=to_org,
                services=wanted,
                urgency=urgency,
                reason="Membutuhkan layanan lanjutan di daerah tujuan. (alasan rekaan untuk demo)",
                sections=sections,
            )
            if then in ("accepted", "completed"):
                services.referral_accept(actor=receiver, referral=referral)
                services.referral_update(
                    actor=receiver, referral=referral, note="Sudah diterima dan didampingi. (rekaan)"
                )
            if then == "completed":
                services.referral_complete(actor=receiver, referral=referral, outcome="service_given")
            if then == "declined":
                services.referral_decline(
                    actor=receiver, referral=referral, reason="no_capacity", note="Rumah aman penuh. (rekaan)"
                )
            created += 1
    out.write(f"Demo referrals: {created} new.\n")
