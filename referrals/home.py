"""The caseworker's home panel for referrals: those awaiting my organisation's answer (with the time left) and those
I sent that are still waiting. Two statements, whatever the number of referrals."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from accounts.choices import Role
from accounts.models import Organisation, User
from casework import access as case_access
from core import home, sql
from core.templatetags.fast_url import fast_url
from referrals.choices import ReferralStatus
from referrals.models import Referral

SHOWN = 5


def _waiting(user: User) -> tuple[int, int, list[tuple[Any, ...]]]:
    """How many referrals await my organisation's answer and how many I sent still wait, and the ``SHOWN`` of the
    first kind due soonest, in two statements written out (core/sql.py), each on the organisation's own rows
    (referrals_incoming_idx, in the deadline's order; the sent_by index)."""
    organisation_id = user.membership.organisation_id  # may_reach_cases: an active membership
    sent = sql.literal(ReferralStatus.SENT)  # constants written in (sql.literal), ids as parameters
    table = sql.table(Referral)
    counts = (
        f"SELECT (SELECT COUNT(*) FROM {table} WHERE to_org_id = %s AND status = {sent}),"  # noqa: S608
        f" (SELECT COUNT(*) FROM {table} WHERE sent_by_id = %s AND status = {sent})"
    )
    incoming, sent_by_me = sql.rows(counts, [organisation_id, user.pk], generic=True)[0]
    soonest = (
        f"SELECT r.id, r.reference, o.code, r.deadline FROM {table} r"  # noqa: S608 (names, not values)
        f" INNER JOIN {sql.table(Organisation)} o ON o.id = r.from_org_id"
        f" WHERE r.status = {sent} AND r.to_org_id = %s ORDER BY r.deadline, r.id LIMIT {sql.literal(SHOWN)}"
    )
    return incoming or 0, sent_by_me or 0, sql.rows(soonest, [organisation_id])


def panel_data(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    if not case_access.may_reach_cases(user):  # type: ignore[arg-type]
        return {}
    incoming, sent_by_me, soonest = _waiting(user)  # type: ignore[arg-type]
    now = timezone.now()
    inbox = fast_url("referrals:inbox")
    return {
        "incoming": incoming,
        "sent_by_me": sent_by_me,
        "incoming_url": inbox + "#h-incoming",
        "outgoing_url": inbox + "#h-outgoing",
        "soonest": [
            {
                "reference": reference,
                "from": sender,
                "left": sql.as_aware(deadline) - now,
                "overdue": sql.as_aware(deadline) < now,
                "url": fast_url("referrals:referral_detail", sql.as_uuid(pk)),
            }
            for pk, reference, sender, deadline in soonest
        ],
    }


def register() -> None:
    home.register(home.Panel("referrals", (Role.CASEWORKER,), "referrals/_home.html", panel_data, order=20))
