"""The caseworker's home panel for referrals: those awaiting my organisation's answer (with the time left) and those
I sent that are still waiting. Two queries, whatever the number of referrals."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.http import HttpRequest
from django.utils import timezone

from accounts.choices import Role
from casework import access as case_access
from core import home
from core.templatetags.fast_url import fast_url
from referrals.choices import ReferralStatus
from referrals.models import Referral

SHOWN = 5


def panel_data(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    if not case_access.may_reach_cases(user):  # type: ignore[arg-type]
        return {}
    organisation = user.organisation  # type: ignore[union-attr]
    waiting = Referral.objects.filter(status=ReferralStatus.SENT)
    # Only the organisation's own rows are read (the to_org and sent_by indexes), not every waiting referral.
    counts = waiting.filter(Q(to_org=organisation) | Q(sent_by=user)).aggregate(
        incoming=Count("id", filter=Q(to_org=organisation)),
        sent_by_me=Count("id", filter=Q(sent_by=user)),
    )
    now = timezone.now()
    soonest = waiting.filter(to_org=organisation).order_by("deadline", "id")
    inbox = fast_url("referrals:inbox")
    return {
        "incoming": counts["incoming"],
        "sent_by_me": counts["sent_by_me"],
        "incoming_url": inbox + "#h-incoming",
        "outgoing_url": inbox + "#h-outgoing",
        "soonest": [
            {
                "reference": reference,
                "from": sender,
                "left": deadline - now,
                "overdue": deadline < now,
                "url": fast_url("referrals:referral_detail", pk),
            }
            for pk, reference, sender, deadline in soonest.values_list("pk", "reference", "from_org__code", "deadline")[
                :SHOWN
            ]
        ],
    }


def register() -> None:
    home.register(home.Panel("referrals", (Role.CASEWORKER,), "referrals/_home.html", panel_data, order=20))
