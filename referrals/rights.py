"""Referrals under the person's rights: an erasure cancels the pending referrals (their receivers are told, with the
reference only), and the subject access export lists every referral (to whom, when, with what outcome; coded values
as code and label, as everywhere in the export)."""

from __future__ import annotations

from typing import Any

from accounts.models import User
from casework.models import Case
from casework.services.rights_export import coded, coded_list
from referrals.choices import EventKind, Outcome, ReferralStatus
from referrals.models import Referral
from referrals.services import _close, _locked


def on_case_erased(*, case: Case, actor: User) -> None:
    """Called inside the erasure's transaction, before the key is destroyed."""
    for referral in Referral.objects.filter(case=case, status__in=[ReferralStatus.SENT, ReferralStatus.ACCEPTED]):
        referral = _locked(referral)
        if referral.status in (ReferralStatus.SENT, ReferralStatus.ACCEPTED):
            _close(referral, actor, ReferralStatus.CANCELLED, EventKind.CANCELLED)


def export_part(*, case: Case) -> tuple[str, list[dict[str, Any]]]:
    rows = Referral.objects.filter(case=case).select_related("to_org", "from_org").order_by("sent_at")
    return "referrals", [
        {
            "reference": r.reference,
            "from": r.from_org.name,
            "to": r.to_org.name,
            "sent": r.sent_at,
            "answered": r.answered_at,
            "closed": r.closed_at,
            "status": coded(r.status, r.status_label),
            "outcome": coded(r.outcome, Outcome(r.outcome).label if r.outcome else ""),
            "sections_shared": coded_list(r.sections, r.sections_labels()),
        }
        for r in rows
    ]
