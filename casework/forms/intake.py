"""The intake and edit form of a case, in sections. Identity and contact fields are encrypted by the service;
errors show beside the field and nothing typed is lost."""

from __future__ import annotations

import functools
import re
from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import fields_for_model
from django.utils import timezone
from django.utils.choices import normalize_choices
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation, User
from casework import access, validation
from casework.choices import (
    CHILD_BANDS,
    AgeBand,
    ConsentGivenBy,
    ConsentKind,
)
from casework.forms.widgets import CountrySelect, CountrySelectMultiple
from casework.models import Case
from core.forms import DateInput, StyledFormMixin
from core.geography import CountryChoices, regencies

BLANK = [("", "—")]
TEXT_LIMIT = 20_000


def _split_list(value: str) -> list[str]:
    return [item.strip() for item in re.split(r"[\n,;]+", value or "") if item.strip()]


def _model_label(name: str) -> Any:
    return capfirst(Case._meta.get_field(name).verbose_name)


# The columns of a case that the form edits take their label, choices, required-ness and limits from the model
# (formfield()); only what a form needs beyond it is said here.
FORMFIELD_EXTRAS: dict[str, dict[str, Any]] = {
    "birth_year": {"min_value": 1900, "help_text": _("When only the year is known.")},
    "intake_date": {"widget": DateInput, "show_hidden_initial": False},
    "next_follow_up": {"widget": DateInput, "help_text": _("Left empty, it follows the rhythm of the risk level.")},
    "transit_provinces": {"widget": forms.SelectMultiple(attrs={"size": 4})},
    "transit_countries": {"choices": CountryChoices(), "widget": CountrySelectMultiple(attrs={"size": 4})},
    "destination_province": {"help_text": _("When the destination is in Indonesia.")},
    "assigned_to": {"queryset": User.objects.none(), "empty_label": BLANK[0][1]},
}


def _formfield(db_field: Any, **kwargs: Any) -> forms.Field | None:
    field = db_field.formfield(**{**kwargs, **FORMFIELD_EXTRAS.get(db_field.name, {})})
    if field is None:
        return None
    field.label = capfirst(field.label)
    if isinstance(field, forms.TypedChoiceField):  # a column with choices (not a foreign key, not a list)
        choices: list[Any] = list(field.choices)  # type: ignore[arg-type]
        if choices and choices[0][0] == "":
            field.choices = BLANK + choices[1:]  # one placeholder in every select: "—"
    return field


def _case_fields() -> dict[str, forms.Field]:
    from casework.services.base import SUMMARY_FIELDS

    declared = {"nationality", "origin_regency", "destination_country"}
    names = [name for name in SUMMARY_FIELDS if name not in declared]
    return dict(fields_for_model(Case, fields=names, formfield_callback=_formfield))  # type: ignore[arg-type]


@functools.lru_cache(maxsize=1024)
def _colleagues(organisation_id: int) -> Any:
    """Who may reach cases at the organisation: built once, never run itself (each form's field runs a copy)."""
    caseworkers = access.active_caseworkers().filter(membership__organisation_id=organisation_id)
    return caseworkers.order_by("first_name", "username")


CONSENT_FIELDS = ("consent_date", "consent_services", "consent_sharing", "consent_statistics", "consent_given_by")
INTAKE_ONLY = (*CONSENT_FIELDS, "is_restricted", "named_users")  # not on the edit of a case


class CaseForm(StyledFormMixin, forms.Form):
    """Intake and edit of a case, in sections. Identity and contact fields are encrypted by the service."""

    SECTIONS = [
        (
            _("Identity"),
            [
                "full_name",
                "aliases",
                "nik",
                "passport",
                "date_of_birth",
                "birth_year",
                "age_band",
                "gender",
                "nationality",
            ],
        ),
        (_("Contact details"), ["phones", "address", "family_contact"]),
        (
            _("Situation"),
            [
                "intake_channel",
                "intake_date",
                "trafficking_status",
                "determined_by",
                "exploitation_types",
                "labour_sector",
                "means_of_control",
                "recruitment_method",
                "recruiter_relationship",
                "narrative",
                "needs",
            ],
        ),
        (
            _("Route"),
            [
                "origin_province",
                "origin_regency",
                "transit_provinces",
                "transit_countries",
                "destination_country",
                "destination_province",
            ],
        ),
        (_("Consent"), list(CONSENT_FIELDS)),
        (_("Risk and follow-up"), ["risk_level", "next_follow_up", "assigned_to", "is_restricted", "named_users"]),
    ]

    # Identity (encrypted by the service; not columns of the case)
    full_name = forms.CharField(
        label=_("Name"),
        max_length=200,
        help_text=_("The name the person uses. One name is enough; many people have no family name."),
    )
    aliases = forms.CharField(
        label=_("Other names"), max_length=500, required=False, help_text=_("Separate names with commas.")
    )
    nik = forms.CharField(
        label=_("NIK"), max_length=30, required=False, help_text=_("16 digits, from the KTP or family card.")
    )
    passport = forms.CharField(label=_("Passport number"), max_length=20, required=False)
    date_of_birth = forms.DateField(label=_("Date of birth"), required=False, widget=DateInput)
    # Columns of the case whose choices are not the model's: countries in the reader's language, regencies of the
    # chosen province. Label and required-ness still come from the model.
    nationality = forms.ChoiceField(label=_model_label("nationality"), choices=CountryChoices(blank=True), initial="ID")
    origin_regency = forms.ChoiceField(label=_model_label("origin_regency"), choices=BLANK, required=False)
    destination_country = forms.ChoiceField(
        label=_model_label("destination_country"),
        choices=CountryChoices(blank=True),
        required=False,
        widget=CountrySelect,
    )
    # Contact
    phones = forms.CharField(
        label=_("Phone numbers"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One per line."),
    )
    address = forms.CharField(
        label=_("Address"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    family_contact = forms.CharField(
        label=_("Family contact"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Who in the family can be contacted, and how."),
    )
    # Situation (encrypted)
    narrative = forms.CharField(
        label=_("Narrative"),
        max_length=TEXT_LIMIT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What happened, in the person's words where possible. Encrypted."),
    )
    needs = forms.CharField(
        label=_("Needs"),
        max_length=TEXT_LIMIT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Immediate and longer-term needs. Encrypted."),
    )
    # Consent (intake only)
    consent_date = forms.DateField(label=_("Date consent was given"), required=False, widget=DateInput)
    consent_services = forms.BooleanField(label=_("Consents to receiving services"), required=False)
    consent_sharing = forms.BooleanField(
        label=_("Consents to sharing with other organisations for referral"), required=False
    )
    consent_statistics = forms.BooleanField(label=_("Consents to anonymous statistics"), required=False)
    consent_given_by = forms.ChoiceField(
        label=_("Consent given by"), choices=ConsentGivenBy.choices, initial=ConsentGivenBy.PERSON, required=False
    )
    # Restriction (intake only)
    is_restricted = forms.BooleanField(
        label=_("Restricted case"),
        required=False,
        help_text=_(
            "Only the caseworkers named below can open it (for example a colleague's relative, or a high-profile case)."
        ),
    )
    named_users = forms.ModelMultipleChoiceField(
        label=_("Caseworkers who may open a restricted case"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(
        self, *args: Any, organisation: Organisation, intake: bool = True, all_countries: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        # Every country in the page only when asked for without the script (casework/forms/widgets.py).
        self.all_countries = all_countries
        for name in ("transit_countries", "destination_country"):
            self.fields[name].widget.short = not all_countries
        colleagues = _colleagues(organisation.pk)
        self.fields["assigned_to"].queryset = colleagues
        self.fields["assigned_to"].label_from_instance = lambda user: user.get_full_name() or user.username
        self.fields["named_users"].queryset = colleagues
        self.fields["named_users"].label_from_instance = lambda user: user.get_full_name() or user.username
        self.fields["intake_date"].initial = timezone.localdate()
        self.fields["birth_year"].max_value = timezone.localdate().year
        province = self.data.get("origin_province") or self.initial.get("origin_province")
        regency = self.fields["origin_regency"]
        regency._choices = regency.widget._choices = _regency_field_choices(province)
        self.intake = intake
        if not intake:
            for name in INTAKE_ONLY:
                del self.fields[name]

    def sections(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [
            (title, [self[name] for name in names if name in self.fields])
            for title, names in self.SECTIONS
            if any(n in self.fields for n in names)
        ]

    def steps(self) -> list[dict[str, Any]]:
        """The sections as the steps of the page: number, title, fields and whether one of them has an error."""
        sections = self.sections()
        steps = [
            {
                "number": number,
                "title": title,
                "fields": fields,
                "has_errors": any(field.errors for field in fields),
                "next": sections[number][0] if number < len(sections) else None,
            }
            for number, (title, fields) in enumerate(sections, start=1)
        ]
        # The page opens on the step of the first error (else the first), as the server renders it: the script that
        # runs later only follows, so nothing moves once painted.
        current = next((step for step in steps if step["has_errors"]), steps[0] if steps else None)
        for step in steps:
            step["current"] = step is current
        return steps

    @property
    def error_fields(self) -> list[forms.BoundField]:
        """Fields in the order of the page, for the error summary above it."""
        shown = [field for _title, fields in self.sections() for field in fields]
        return shown + [field for field in self if field not in shown]

    def clean_nik(self) -> str:
        value = self.cleaned_data.get("nik", "")
        return validation.validate_nik(value) if value else ""

    def clean_passport(self) -> str:
        value = self.cleaned_data.get("passport", "")
        return validation.validate_passport(value) if value else ""

    def clean_phones(self) -> list[str]:
        phones = _split_list(self.cleaned_data.get("phones", ""))
        errors = []
        for phone in phones:
            try:
                validation.validate_phone(phone)
            except ValidationError as error:
                errors.append(error)
        if errors:
            raise ValidationError(errors)
        return phones

    def clean_aliases(self) -> list[str]:
        return _split_list(self.cleaned_data.get("aliases", ""))

    def clean_date_of_birth(self) -> date | None:
        value = self.cleaned_data.get("date_of_birth")
        if value and value > timezone.localdate():
            raise ValidationError(_("The date of birth cannot be in the future."))
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        dob, nik = data.get("date_of_birth"), data.get("nik")
        if dob and data.get("birth_year") and data["birth_year"] != dob.year:
            self.add_error("birth_year", _("The year of birth does not match the date of birth."))
        if dob:
            data["birth_year"] = dob.year
        if nik and "nik" not in self.errors:
            try:
                validation.validate_nik(nik, date_of_birth=dob, birth_year=data.get("birth_year"))
            except ValidationError as error:
                self.add_error("nik", error)
        if data.get("birth_year") and data.get("age_band") == AgeBand.UNKNOWN:
            age = timezone.localdate().year - data["birth_year"]
            data["age_band"] = AgeBand.for_age(age)
        regency, province = data.get("origin_regency"), data.get("origin_province")
        if regency and regencies().get(regency, ("",))[0] != province:
            self.add_error("origin_regency", _("Choose a regency or city of the province of origin."))
        country, dest_province = data.get("destination_country"), data.get("destination_province")
        if dest_province and country not in ("", "ID"):
            self.add_error(
                "destination_province", _("A destination province only applies when the destination is Indonesia.")
            )
        if dest_province and not country:
            data["destination_country"] = "ID"
        if self.intake:
            any_consent = data.get("consent_services") or data.get("consent_sharing") or data.get("consent_statistics")
            if any_consent and not data.get("consent_date"):
                self.add_error("consent_date", _("Give the date the consent was given."))
            child = data.get("age_band") in CHILD_BANDS
            if any_consent and child and data.get("consent_given_by") != ConsentGivenBy.GUARDIAN:
                self.add_error("consent_given_by", _("A child's consent must be given by a parent or guardian."))
            if not data.get("is_restricted") or not data.get("named_users"):
                data["named_users"] = []  # names count on a restricted case alone (unread elsewhere: no query built)
        return data

    # What the services take ---------------------------------------------------------------------------------

    def summary(self) -> dict[str, Any]:
        from casework.services import SUMMARY_FIELDS

        return {
            name: self.cleaned_data[name]
            for name in SUMMARY_FIELDS
            if name in self.cleaned_data and name != "next_follow_up"
        } | ({"next_follow_up": self.cleaned_data["next_follow_up"]} if self.cleaned_data.get("next_follow_up") else {})

    def identity(self) -> dict[str, Any]:
        dob = self.cleaned_data.get("date_of_birth")
        return {
            "full_name": self.cleaned_data["full_name"].strip(),
            "aliases": self.cleaned_data.get("aliases", []),
            "nik": self.cleaned_data.get("nik", ""),
            "passport": self.cleaned_data.get("passport", ""),
            "date_of_birth": dob.isoformat() if dob else "",
        }

    def contact(self) -> dict[str, Any]:
        return {
            "phones": self.cleaned_data.get("phones", []),
            "address": self.cleaned_data.get("address", "").strip(),
            "family_contact": self.cleaned_data.get("family_contact", "").strip(),
        }

    def consents(self) -> list[dict[str, Any]]:
        given_on, given_by = (
            self.cleaned_data.get("consent_date"),
            self.cleaned_data.get("consent_given_by") or ConsentGivenBy.PERSON,
        )
        kinds = [
            (ConsentKind.SERVICES, "consent_services"),
            (ConsentKind.SHARING, "consent_sharing"),
            (ConsentKind.STATISTICS, "consent_statistics"),
        ]
        return [
            {"kind": kind, "given_on": given_on, "given_by": given_by}
            for kind, field in kinds
            if self.cleaned_data.get(field)
        ]


# The model's columns join the declared fields (the sections above say where each is shown).
CaseForm.base_fields.update(_case_fields())


def regency_choices(province: str | None) -> list[tuple[str, str]]:
    return [(code, name) for code, (prov, name) in regencies().items() if prov == province] if province else []


@functools.lru_cache(maxsize=64)
def _regency_field_choices(province: str | None) -> list[Any]:
    """A province's regencies after the placeholder, normalised as a choice field keeps them, as every intake form of
    that province offers them: read once (their names are proper names, the same in every language) and shared
    (choices are replaced whole, never changed in place, core/forms.py)."""
    return normalize_choices(BLANK + regency_choices(province))
