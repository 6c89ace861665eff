"""The History tab: who changed which field of a case (and its notes, services and consents), when.

Old and new values are shown to users who may see the case; encrypted values are decrypted only for sections the
viewer may see, otherwise the change is listed without values. ``with_values=False`` gives the admins' view: fields
and actors, never values.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db import models
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation, User
from casework.access import CaseAccess
from casework.models import ENCRYPTED_SECTIONS, Attachment, Case, CaseNote, Consent, Section, ServiceRecord
from casework.vault import CASE, Vault
from core.fields import MultiChoiceField

SUBFIELD_LABELS = {
    "full_name": _("Name"),
    "aliases": _("Other names"),
    "nik": _("NIK"),
    "passport": _("Passport number"),
    "date_of_birth": _("Date of birth"),
    "phones": _("Phone numbers"),
    "address": _("Address"),
    "family_contact": _("Family contact"),
}
# The identifiers the identity tab masks (services.REVEALABLE): history names the change, never the values.
MASKED = frozenset({"nik", "passport", "date_of_birth", "phones", "address", "family_contact"})
SKIP = {
    "id",
    "version",
    "updated_at",
    "last_activity_at",
    "created_at",
    "created_by",
    "reference",
    "case",
    "body_enc",
    "outcome_enc",
    "name_enc",
    "description_enc",
    "storage_name",
}
# Why a version was saved, stored as English codes by the services (update_change_reason): shown in words.
REASONS = {
    "closed": _("closed"),
    "reopened": _("reopened"),
    "follow-up recorded": _("follow-up recorded"),
    "data key destroyed": _("data key destroyed"),
    "restricted": _("restricted"),
    "unrestricted": _("unrestricted"),
    "deleted": _("deleted"),
    "erased": _("erased"),
    "carried out": _("carried out"),
}
OBJECT_LABELS = {
    Case: _("Case"),
    CaseNote: _("Note"),
    ServiceRecord: _("Service"),
    Consent: _("Consent"),
    Attachment: _("Attachment"),
}


@dataclass
class Change:
    label: str
    old: str = ""
    new: str = ""
    hidden: bool = False


@dataclass
class Entry:
    when: datetime
    who: str
    what: str
    kind: str  # "+", "~", "-"
    reason: str = ""
    changes: list[Change] = field(default_factory=list)


def _display(model_field: models.Field, value: Any, people: dict[int, str], orgs: dict[int, str]) -> str:
    if value in (None, "", []):
        return "—"
    if isinstance(model_field, MultiChoiceField):
        return ", ".join(model_field.labels(value if isinstance(value, list) else model_field.to_python(value)))
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(model_field, models.ForeignKey):
        if model_field.related_model is Organisation:
            return orgs.get(value, "?")
        return people.get(value, "?")
    if isinstance(model_field, models.DateTimeField) and isinstance(value, datetime):
        return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
    if isinstance(model_field, models.DateField) and isinstance(value, date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")  # as everywhere else in the app, by locale
    if isinstance(model_field, models.BooleanField):
        return str(_("yes") if value else _("no"))
    return str(value)


def _subfield_changes(vault: Vault | None, column: str, row_id: Any, old: str, new: str) -> list[Change]:
    label = str(Section(ENCRYPTED_SECTIONS[column]).label)
    if vault is None:
        return [Change(label=label, hidden=True)]
    if column in ("identity_enc", "contact_enc"):
        before = vault.open_json(CASE, column, row_id, old)
        after = vault.open_json(CASE, column, row_id, new)
        changes = []
        for key in sorted(set(before) | set(after)):
            if before.get(key) != after.get(key) and key in MASKED:
                # Masked on the identity tab until revealed, each reveal logged: here too, only that it changed.
                changes.append(Change(label=str(SUBFIELD_LABELS.get(key, key)), hidden=True))
            elif before.get(key) != after.get(key):
                changes.append(
                    Change(
                        label=str(SUBFIELD_LABELS.get(key, key)), old=_flat(before.get(key)), new=_flat(after.get(key))
                    )
                )
        return changes
    before_text, after_text = vault.open(CASE, column, row_id, old), vault.open(CASE, column, row_id, new)
    if before_text == after_text:
        return []  # sealed again with the same text (before edits kept unchanged sections): no change was made
    return [Change(label=label, old=_short(before_text), new=_short(after_text))]


def _flat(value: Any) -> str:
    if value in (None, "", []):
        return "—"
    return ", ".join(value) if isinstance(value, list) else str(value)


def _short(text: str) -> str:
    return "—" if not text else (text if len(text) <= 300 else text[:300] + "…")


def case_history(case: Case, *, viewer_access: CaseAccess | None, with_values: bool = True) -> list[Entry]:
    """History entries of a case and its notes, services and consents, newest first."""
    sources: list[tuple[type[models.Model], Any]] = [
        (Case, Case.history.filter(id=case.pk)),
        (CaseNote, CaseNote.history.filter(case_id=case.pk)),
        (ServiceRecord, ServiceRecord.history.filter(case_id=case.pk)),
        (Consent, Consent.history.filter(case_id=case.pk)),
        (Attachment, Attachment.history.filter(case_id=case.pk)),
    ]
    records = []
    for model, queryset in sources:
        last_seen: dict[Any, Any] = {}
        for row in queryset.order_by("history_date", "history_id"):
            records.append((model, row, last_seen.get(row.id)))
            last_seen[row.id] = row
    people = dict(
        User.objects.filter(pk__in={row.history_user_id for _m, row, _p in records} | _user_ids(records)).values_list(
            "pk", "username"
        )
    )
    orgs = dict(Organisation.objects.values_list("pk", "name"))
    erased = case.erased_at is not None  # the key is destroyed: changes to encrypted parts show without values
    vault = Vault.for_case(case) if with_values and viewer_access is not None and not erased else None
    entries = []
    for model, row, previous in records:
        entry = Entry(
            when=row.history_date,
            who=people.get(row.history_user_id, "—"),
            what=str(OBJECT_LABELS[model]),
            kind=row.history_type,
            reason=str(REASONS.get(row.history_change_reason or "", row.history_change_reason or "")),
        )
        if previous is not None:
            entry.changes = _changes(model, row, previous, people, orgs, vault, viewer_access, with_values)
        entries.append(entry)
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries


def _user_ids(records: list[tuple[Any, Any, Any]]) -> set[int]:
    ids = set()
    for _model, row, _previous in records:
        for name in ("assigned_to_id", "author_id", "recorded_by_id", "uploaded_by_id"):
            if getattr(row, name, None):
                ids.add(getattr(row, name))
    return ids


def _changes(
    model: type[models.Model],
    row: Any,
    previous: Any,
    people: dict[int, str],
    orgs: dict[int, str],
    vault: Vault | None,
    viewer_access: CaseAccess | None,
    with_values: bool,
) -> list[Change]:
    changes: list[Change] = []
    for model_field in model._meta.concrete_fields:
        name = model_field.attname
        if model_field.name in SKIP or name in SKIP:
            continue
        old, new = getattr(previous, name), getattr(row, name)
        if old == new:
            continue
        if name in ENCRYPTED_SECTIONS:
            section = ENCRYPTED_SECTIONS[name]
            allowed = with_values and viewer_access is not None and viewer_access.can_see(section)
            changes.extend(_subfield_changes(vault if allowed else None, name, row.id, old, new))
            continue
        label = str(model_field.verbose_name).capitalize()
        if not with_values:
            changes.append(Change(label=label, hidden=True))
        else:
            changes.append(
                Change(
                    label=label,
                    old=_display(model_field, old, people, orgs),
                    new=_display(model_field, new, people, orgs),
                )
            )
    return changes
