"""The subject access export (UU 27/2022): everything Jejaring holds about the person, as a printable page and a ZIP
(JSON and the decrypted attachments) built while it is downloaded, never stored. An approved export is available for
``JEJARING_EXPORT_HOURS``; each opening is in the access log.

Every coded value in the export is given as ``{"code": ..., "label": ...}``: the code as stored, the label in the
language of the request (the caseworker's, who hands the export to the person), so that the person can read what is
held about them and a machine can still tell the values apart. An empty coded value is ``null``; a list of coded
values is a list of such objects. Colleagues are named by organisation and role, never by name.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterable, Iterator
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import Role
from accounts.models import User
from audit import access_log
from audit import selectors as audit_selectors
from audit.models import AccessLog
from casework import attachments as files
from casework import hooks, selectors
from casework.history import case_history
from casework.models import Case, RightsRequest
from casework.services.base import _require
from casework.vault import Vault
from core import geography
from core.fields import MultiChoiceField

SUMMARY_FIELDS = [
    "reference",
    "status",
    "closure_reason",
    "risk_level",
    "intake_channel",
    "intake_date",
    "trafficking_status",
    "exploitation_types",
    "labour_sector",
    "origin_province",
    "origin_regency",
    "destination_country",
    "gender",
    "birth_year",
    "age_band",
    "nationality",
    "created_at",
    "erased_at",
]
_COUNTRIES = {"destination_country", "nationality"}


def coded(code: Any, label: Any) -> dict[str, str] | None:
    """A coded value with its label in the active language; ``None`` when there is no value."""
    if code in (None, ""):
        return None
    return {"code": str(code), "label": str(label if label not in (None, "") else code)}


def coded_choice(choices: Iterable[tuple[Any, Any]], code: Any) -> dict[str, str] | None:
    return coded(code, dict(choices).get(code, code))


def coded_list(codes: Iterable[Any], labels: Iterable[Any]) -> list[dict[str, str]]:
    return [item for item in (coded(code, label) for code, label in zip(codes, labels, strict=True)) if item]


def _summary_value(case: Case, name: str) -> Any:
    value = getattr(case, name)
    field = Case._meta.get_field(name)
    if isinstance(field, MultiChoiceField):
        return coded_list(value, field.labels(value))
    if name in _COUNTRIES:
        return coded(value, geography.country_name(value) if value else "")
    if name == "origin_regency":
        found = geography.regencies().get(value) if value else None
        return coded(value, found[1] if found else value)
    if isinstance(field, models.Field) and field.choices:
        return coded_choice(field.flatchoices, value)
    return value


def export_for(*, actor: User, case: Case, rights_id: Any) -> RightsRequest:
    """An approved export of this case that is still available, for a caseworker of the owner organisation."""
    _require(actor, case, "change")
    rights = RightsRequest.objects.filter(case=case, pk=rights_id, kind=RightsRequest.Kind.EXPORT).first()
    if rights is None or not rights.is_available:
        raise PermissionDenied
    return rights


def _roles() -> dict[int, tuple[str, str]]:
    people = User.objects.filter(membership__isnull=False).values_list(
        "pk", "membership__organisation__name", "membership__role"
    )
    return {pk: (org or "", role or "") for pk, org, role in people}


def _who(user_id: int | None, roles: dict[int, tuple[str, str]]) -> dict[str, Any]:
    organisation, role = roles.get(user_id or 0, ("", ""))
    return {"organisation": organisation, "role": coded_choice(Role.choices, role)}


_HISTORY_KINDS = {"+": lambda: _("created"), "~": lambda: _("changed"), "-": lambda: _("deleted")}


def export_data(*, actor: User, case: Case, rights: RightsRequest, request: Any = None, event: str = "") -> dict:
    """Everything Jejaring holds about the person, as plain data (see the module's docstring)."""
    if event:
        access_log.record_for(event, actor=actor, obj=case, request=request, detail=f"{rights.kind} {rights.pk}")
    case.access = _require(actor, case, "change")
    sensitive = selectors.case_sensitive(case)
    roles = _roles()
    data: dict[str, Any] = {
        "generated_at": timezone.now(),
        "reference": case.reference,
        "erased": case.erased_at is not None,
        "owner": case.owner.name,
        "summary": {name: _summary_value(case, name) for name in SUMMARY_FIELDS},
        "identity": sensitive.get("identity", {}),
        "contact": sensitive.get("contact", {}),
        "narrative": sensitive.get("narrative", ""),
        "needs": sensitive.get("needs", ""),
        "notes": [
            {"written": item.note.created_at, "by": _who(item.note.author_id, roles), "text": item.body}
            for item in selectors.case_notes(case)
        ],
        "services": [
            {
                "service": coded(item.record.service_type, item.record.get_service_type_display()),
                "provider": item.record.provider.name,
                "status": coded(item.record.status, item.record.get_status_display()),
                "started": item.record.started_on,
                "ended": item.record.ended_on,
                "outcome": item.outcome,
            }
            for item in selectors.case_services(case, viewer=actor)
        ],
        "consents": [
            {
                "kind": coded(consent.kind, consent.get_kind_display()),
                "given_on": consent.given_on,
                "given_by": coded(consent.given_by, consent.get_given_by_display()),
                "withdrawn_on": consent.withdrawn_on,
            }
            for consent in selectors.case_consents(case)
        ],
        "attachments": [
            {
                "file": f"attachments/{index:03d}-{item.name}" if item.name else "",
                "name": item.name,
                "description": item.description,
                "part": coded(item.attachment.section, item.attachment.get_section_display()),
                "size": item.attachment.size,
                "type": item.attachment.content_type,
                "uploaded": item.attachment.uploaded_at,
            }
            for index, item in enumerate(selectors.case_attachments(case), start=1)
        ],
        "history": [
            {
                "when": entry.when,
                "what": entry.what,
                "kind": coded(entry.kind, _HISTORY_KINDS[entry.kind]() if entry.kind in _HISTORY_KINDS else ""),
                "reason": entry.reason,
                "changes": [
                    {"field": c.label, "old": "" if c.hidden else c.old, "new": "" if c.hidden else c.new}
                    for c in entry.changes
                ],
            }
            for entry in case_history(case, viewer_access=case.access)
        ],
        "viewed_by": [
            {**row, "role": coded_choice(Role.choices, row["role"])} for row in audit_selectors.viewers_of(case.pk)
        ],
    }
    for hook in hooks.case_export_parts:
        key, rows = hook(case=case)
        data[key] = rows
    return data


class _Sink:
    """A write-only stream whose bytes are handed on as they come (zipfile writes to unseekable streams)."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []
        self._offset = 0

    def write(self, data: bytes) -> int:
        self._parts.append(bytes(data))
        self._offset += len(data)
        return len(data)

    def tell(self) -> int:
        return self._offset

    def flush(self) -> None:
        return None

    def drain(self) -> bytes:
        out = b"".join(self._parts)
        self._parts.clear()
        return out


def export_zip_stream(*, actor: User, case: Case, rights: RightsRequest, request: Any = None) -> Iterator[bytes]:
    """The ZIP of an export, built while it is sent: export.json, then each attachment decrypted chunk by chunk.
    Nothing of it is written to disk."""
    data = export_data(actor=actor, case=case, rights=rights, request=request, event=AccessLog.Event.EXPORT_DOWNLOADED)
    live = [] if case.erased_at else selectors.case_attachments(case)
    key = Vault.for_case(case).key() if live else b""
    sink = _Sink()
    archive = zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED)  # type: ignore[call-overload]
    with archive.open("export.json", "w") as entry:
        entry.write(json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2).encode())
    yield sink.drain()
    for index, item in enumerate(live, start=1):
        attachment = item.attachment
        with archive.open(f"attachments/{index:03d}-{item.name}", "w", force_zip64=True) as entry:
            for chunk in files.decrypt_chunks(key, attachment.pk, attachment.storage_name, attachment.chunk_count):
                entry.write(chunk)
                yield sink.drain()
        yield sink.drain()
    archive.close()
    yield sink.drain()
