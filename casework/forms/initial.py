"""Initial values of the intake and edit form: from a case (its decrypted parts) or from the caseworker's draft."""

from __future__ import annotations

from typing import Any

from django import forms

from casework.forms.intake import CaseForm
from casework.models import Case


def initial_from_case(case: Case, sensitive: dict[str, Any]) -> dict[str, Any]:
    from casework.services import SUMMARY_FIELDS

    identity, contact = sensitive.get("identity", {}), sensitive.get("contact", {})
    initial: dict[str, Any] = {name: getattr(case, name) for name in SUMMARY_FIELDS}
    initial["assigned_to"] = case.assigned_to_id
    initial.update(
        full_name=identity.get("full_name", ""),
        aliases=", ".join(identity.get("aliases", [])),
        nik=identity.get("nik", ""),
        passport=identity.get("passport", ""),
        date_of_birth=identity.get("date_of_birth") or None,
        phones="\n".join(contact.get("phones", [])),
        address=contact.get("address", ""),
        family_contact=contact.get("family_contact", ""),
        narrative=sensitive.get("narrative", ""),
        needs=sensitive.get("needs", ""),
    )
    return initial


def draft_initial(fields: dict[str, list[str]]) -> dict[str, Any]:
    """A draft's posted values as the initial values of an unbound intake form (shown again, not yet validated)."""
    initial: dict[str, Any] = {}
    for name, values in fields.items():
        field = CaseForm.base_fields.get(name)
        if field is None or not values:
            continue
        initial[name] = (
            values if isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField) else values[-1]
        )
    return initial


def posted_initial(post: Any) -> dict[str, Any]:
    """What was posted to the intake or edit form, as initial values (shown again, not validated): for "Show all
    countries" without the script."""
    return draft_initial({name: post.getlist(name) for name in post if name in CaseForm.base_fields})
