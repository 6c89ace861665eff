"""The small forms of a case's pages: version (optimistic locking), closing, notes, services, consents,
restriction, search and the duplicate check."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.choices import Role, ServiceType
from accounts.models import Organisation, User
from casework import validation
from casework.choices import (
    ClosureReason,
    ConsentGivenBy,
    ConsentKind,
    ServiceStatus,
)
from casework.forms.intake import BLANK, TEXT_LIMIT, CaseForm, _split_list
from core.forms import DateInput, StyledFormMixin


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class CloseForm(StyledFormMixin, VersionForm):
    reason = forms.ChoiceField(label=_("Reason for closing"), choices=BLANK + ClosureReason.choices)
    safety_checked = forms.BooleanField(
        label=_("A safety check was done with the person before closing"),
        required=True,
        error_messages={"required": _("Close a case only after a safety check.")},
    )


class NoteForm(StyledFormMixin, forms.Form):
    body = forms.CharField(label=_("Note"), max_length=TEXT_LIMIT, widget=forms.Textarea(attrs={"rows": 4}))
    shareable = forms.BooleanField(
        label=_("May be shared in a referral"),
        required=False,
        help_text=_("Only notes marked shareable can be sent with a referral, and only if you tick notes there."),
    )
    is_follow_up = forms.BooleanField(
        label=_("This note records a follow-up contact"),
        required=False,
        help_text=_("Clears the follow-up that is due and schedules the next one."),
    )


class ServiceForm(StyledFormMixin, forms.Form):
    service_type = forms.ChoiceField(label=_("Service"), choices=ServiceType.choices)
    provider = forms.ModelChoiceField(label=_("Provided by"), queryset=Organisation.objects.filter(is_active=True))
    status = forms.ChoiceField(label=_("Status"), choices=ServiceStatus.choices)
    started_on = forms.DateField(label=_("Started"), required=False, widget=DateInput)
    ended_on = forms.DateField(label=_("Ended"), required=False, widget=DateInput)
    outcome = forms.CharField(
        label=_("Outcome"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Encrypted."),
    )

    def __init__(self, *args: Any, provider: Organisation | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if provider is not None:
            # A referred organisation records only the services it gives itself.
            self.fields["provider"].queryset = Organisation.objects.filter(pk=provider.pk)
            self.fields["provider"].initial = provider.pk

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("started_on") and data.get("ended_on") and data["ended_on"] < data["started_on"]:
            self.add_error("ended_on", _("The end date is before the start date."))
        return data


class ConsentForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Consent to"), choices=ConsentKind.choices)
    given_on = forms.DateField(label=_("Given on"), widget=DateInput)
    given_by = forms.ChoiceField(label=_("Given by"), choices=ConsentGivenBy.choices)


class RestrictionForm(StyledFormMixin, forms.Form):
    is_restricted = CaseForm.base_fields["is_restricted"]
    named_users = forms.ModelMultipleChoiceField(
        label=_("Caseworkers who may open this case"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["named_users"].queryset = User.objects.filter(
            is_active=True,
            membership__organisation=organisation,
            membership__role=Role.CASEWORKER,
            membership__is_active=True,
        ).order_by("first_name", "username")
        self.fields["named_users"].label_from_instance = lambda user: user.get_full_name() or user.username


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Find a case"),
        max_length=200,
        error_messages={"required": _("Type a reference, name, NIK or phone number to search.")},
    )


class DuplicateCheckForm(forms.Form):
    nik = forms.CharField(required=False, max_length=30)
    passport = forms.CharField(required=False, max_length=20)
    phones = forms.CharField(required=False, max_length=500)

    def identifiers(self) -> dict[str, Any]:
        data = self.cleaned_data
        nik = data.get("nik", "")
        phones = [p for p in _split_list(data.get("phones", "")) if _quietly(validation.validate_phone, p)]
        return {
            "nik": nik if _quietly(validation.validate_nik, nik) else "",
            "passport": data.get("passport", "")
            if _quietly(validation.validate_passport, data.get("passport", ""))
            else "",
            "phones": phones,
        }


def _quietly(check: Any, value: str) -> bool:
    if not value:
        return False
    try:
        check(value)
    except ValidationError:
        return False
    return True
