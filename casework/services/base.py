"""What casework's services share: the fields they write, the access check, the conflict they raise."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from accounts.models import User
from casework import access
from casework import reminders as case_reminders
from casework.models import Case
from notifications import reminders

# Non-identifying fields a caseworker edits directly. Status and closure go through case_close / case_reopen.
SUMMARY_FIELDS = [
    "risk_level",
    "intake_channel",
    "intake_date",
    "trafficking_status",
    "determined_by",
    "exploitation_types",
    "labour_sector",
    "means_of_control",
    "recruitment_method",
    "recruiter_relationship",
    "origin_province",
    "origin_regency",
    "transit_provinces",
    "transit_countries",
    "destination_country",
    "destination_province",
    "gender",
    "birth_year",
    "age_band",
    "nationality",
    "next_follow_up",
    "assigned_to",
]


IDENTITY_KEYS = ["full_name", "aliases", "nik", "passport", "date_of_birth"]


CONTACT_KEYS = ["phones", "address", "family_contact"]


class CaseConflict(Exception):
    """Someone else saved the case after this user opened it; nothing was overwritten."""

    def __init__(self, case: Case) -> None:
        super().__init__(case.reference)
        self.case = case


def _require(actor: User, case: Case, action: str) -> access.CaseAccess:
    granted = access.access_for(actor, case)
    if not granted.allows(action):
        raise PermissionDenied
    return granted


def case_touch(case: Case) -> None:
    """Record activity on a case (for the inactivity reminder). last_activity_at is excluded from history, so a
    queryset update is used here on purpose: it writes nothing an auditor needs."""
    Case.objects.filter(pk=case.pk).update(last_activity_at=timezone.now())
    reminders.clear(object_id=case.pk, kinds=[case_reminders.INACTIVE])


REVEALABLE = {
    "nik": "identity",
    "passport": "identity",
    "date_of_birth": "identity",
    "phones": "contact",
    "address": "contact",
    "family_contact": "contact",
}
