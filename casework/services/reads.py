"""Reading a case is itself an event: views, revealed fields and the edit form go into the access log."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

from accounts.models import User
from audit import access_log
from audit.models import AccessLog
from casework.models import Case
from casework.services.base import REVEALABLE, _require
from casework.vault import CASE, Vault


def case_view_record(*, actor: User, case: Case, request: Any = None, tab: str = "summary") -> None:
    """An open case is logged, each time, with the tab that was opened."""
    access_log.record_for(AccessLog.Event.CASE_VIEWED, actor=actor, obj=case, request=request, detail=tab)


def case_field_reveal(*, actor: User, case: Case, field: str, request: Any = None) -> Any:
    """Show one masked value in full, and log that it was shown."""
    section = REVEALABLE.get(field)
    if section is None:
        raise PermissionDenied
    _require(actor, case, f"view_{section}")
    vault = Vault.for_case(case)
    data = vault.open_json(CASE, f"{section}_enc", case.pk, getattr(case, f"{section}_enc"))
    access_log.record_for(AccessLog.Event.FIELD_REVEALED, actor=actor, obj=case, request=request, detail=field)
    return data.get(field, "")


def case_edit_record(*, actor: User, case: Case, sensitive: dict[str, Any], request: Any = None) -> None:
    """The edit form shows every identifier the identity tab masks, filled in: log it as the case viewed (edit) and
    each of those values as revealed, as the "Show" button does."""
    case_view_record(actor=actor, case=case, request=request, tab="edit")
    for field, section in REVEALABLE.items():
        if sensitive.get(section, {}).get(field):
            access_log.record_for(
                AccessLog.Event.FIELD_REVEALED, actor=actor, obj=case, request=request, detail=f"{field} (edit)"
            )


def case_print_record(*, actor: User, case: Case, request: Any = None) -> None:
    """Opening a case's print view is logged as its own event: paper leaves the access log's sight."""
    access_log.record_for(AccessLog.Event.CASE_PRINTED, actor=actor, obj=case, request=request, detail="print")
