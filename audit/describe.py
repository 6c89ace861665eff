"""Access-log entries in words, in the reader's language.

The log stores short codes (``case_viewed``, ``nik (edit)``, ``results=1``) so that it holds no personal data and its
hash chain stays stable; people reading it on a screen or in a spreadsheet see what each code means instead. The
tables below name every detail the apps write; a detail nobody described yet is shown as stored, never hidden.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from audit.models import AccessLog

Event = AccessLog.Event

# The parts of a case whose opening is logged (casework's tabs), and the sections access is granted on.
TABS = {
    "summary": gettext_lazy("the summary"),
    "identity": gettext_lazy("the identity"),
    "notes": gettext_lazy("the notes"),
    "services": gettext_lazy("the services"),
    "consents": gettext_lazy("the consents"),
    "history": gettext_lazy("the change history"),
    "access": gettext_lazy("who has access"),
    "referrals": gettext_lazy("the referrals"),
}
SECTIONS = {
    "summary": gettext_lazy("the summary"),
    "identity": gettext_lazy("the identity"),
    "contact": gettext_lazy("the contact details"),
    "narrative": gettext_lazy("the narrative"),
    "needs": gettext_lazy("the needs"),
    "notes": gettext_lazy("the shareable notes"),
}
FIELDS = {
    "nik": gettext_lazy("NIK"),
    "passport": gettext_lazy("passport number"),
    "date_of_birth": gettext_lazy("date of birth"),
    "phones": gettext_lazy("phone numbers"),
    "address": gettext_lazy("address"),
    "family_contact": gettext_lazy("family contact"),
}
FIXED: dict[tuple[str, str], Callable[[], str]] = {
    (Event.CASE_VIEWED, "edit"): lambda: _("Opened the edit form"),
    (Event.CASE_VIEWED, "access-panel"): lambda: _("Opened who has access (admin)"),
    (Event.CASE_VIEWED, "referral"): lambda: _("Opened through a referral"),
    (Event.EXPORTED, "cases.csv"): lambda: _("Case list (CSV)"),
    (Event.EXPORTED, "access-log.csv"): lambda: _("Access log (CSV)"),
    (Event.SIGNED_OUT, "idle_timeout"): lambda: _("After a period of inactivity"),
    (Event.SIGNED_OUT, "max_lifetime"): lambda: _("The session reached its maximum length"),
    (Event.SIGN_IN_FAILED, "unknown_account"): lambda: _("No such account"),
    (Event.SIGN_IN_FAILED, "second_factor"): lambda: _("Wrong two-factor code"),
    (Event.ACCESS_DENIED, "view"): lambda: _("Tried to open the case"),
    (Event.ACCESS_DENIED, "change"): lambda: _("Tried to change the case"),
    (Event.ACCESS_DENIED, "record_service"): lambda: _("Tried to record a service"),
    (Event.ACCESS_DENIED, "referral"): lambda: _("Tried to open a referral"),
}
RECORDS = {"case": gettext_lazy("Case"), "referral": gettext_lazy("Referral")}
COUNT = re.compile(r"^(results|matches)=(\d+)$")


def event_label(code: str) -> str:
    """The event in words; an unknown code as stored."""
    try:
        return str(Event(code).label)
    except ValueError:
        return code


def record_label(object_type: str) -> str:
    """The kind of record an entry is about, in words."""
    return str(RECORDS.get(object_type, object_type))


def detail_label(event: str, detail: str) -> str:
    """An entry's detail in words, in the active language."""
    if not detail:
        return ""
    fixed = FIXED.get((event, detail))
    if fixed is not None:
        return fixed()
    if event == Event.CASE_VIEWED and detail in TABS:
        return _("Opened %(part)s") % {"part": TABS[detail]}
    if event == Event.FIELD_REVEALED:
        field, editing = (detail.removesuffix(" (edit)"), True) if detail.endswith(" (edit)") else (detail, False)
        if field in FIELDS:
            if editing:
                return _("%(field)s shown in the edit form") % {"field": FIELDS[field]}
            return _("%(field)s shown") % {"field": FIELDS[field]}
    if event == Event.ACCESS_DENIED and detail.startswith("view_") and detail.removeprefix("view_") in SECTIONS:
        return _("Tried to see %(section)s") % {"section": SECTIONS[detail.removeprefix("view_")]}
    count = COUNT.match(detail)
    if count is not None:
        number = int(count.group(2))
        if count.group(1) == "results":
            return ngettext("%(count)s case found", "%(count)s cases found", number) % {"count": number}
        return ngettext(
            "a possible match in %(count)s organisation", "possible matches in %(count)s organisations", number
        ) % {"count": number}
    return detail
