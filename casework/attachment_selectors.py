"""Reads of a case's attachments, for a case the user has opened through the gate (``case.access`` set): part of
casework.selectors, which re-exports them."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from casework.models import Case
from casework.vault import Vault

# --- Attachments -----------------------------------------------------------------------------------------------


@dataclass
class AttachmentView:
    attachment: Any
    name: str
    description: str


def attachment_sections(case: Case) -> list[str]:
    """The parts of the case whose attachments the user's access shows."""
    from casework.models import ATTACHMENT_SECTIONS

    return [s.value for s in ATTACHMENT_SECTIONS if case.access.allows(f"view_{s.value}")]


def case_attachments(case: Case) -> list[AttachmentView]:
    """The attachments (not deleted) of the sections the user may see, names decrypted; none once erased."""
    from casework.models import Attachment
    from casework.vault import ATTACHMENT

    rows = list(
        Attachment.objects.filter(case=case, deleted_at__isnull=True, section__in=attachment_sections(case))
        .select_related("uploaded_by")
        .order_by("-uploaded_at", "-id")
    )
    if case.erased_at is not None:
        return [AttachmentView(row, "", "") for row in rows]
    vault = Vault.for_case(case)
    return [
        AttachmentView(
            row,
            vault.open(ATTACHMENT, "name_enc", row.pk, row.name_enc),
            vault.open(ATTACHMENT, "description_enc", row.pk, row.description_enc),
        )
        for row in rows
    ]


def attachment_of(case: Case, attachment_id: Any) -> Any:
    """One live attachment of a case the user has opened, or None."""
    from casework.models import Attachment

    try:
        pk = uuid.UUID(str(attachment_id))
    except ValueError:
        return None
    return Attachment.objects.filter(case=case, pk=pk, deleted_at__isnull=True).select_related("case").first()
