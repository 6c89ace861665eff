"""The intake and edit form of a case, in sections. Identity and contact fields are encrypted by the service;
errors show beside the field and nothing typed is lost."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.choices import Role
from accounts.models import Organisation, User
from casework import validation
from casework.choices import (
    CHILD_BANDS,
    AgeBand,
    ConsentGivenBy,
    ConsentKind,
    DeterminedBy,
    ExploitationType,
    Gender,
    IntakeChannel,
    LabourSector,
    MeansOfControl,
    RecruiterRelationship,
    RecruitmentMethod,
    RiskLevel,
    TraffickingStatus,
)
from casework.models import Case
from core import provinces
from core.forms import DateInput, StyledFormMixin
from core.geography import regencies, sorted_country_choices

BLANK = [("", "—")]


TEXT_LIMIT = 20_000


def _country_choices() -> list[tuple[str, str]]:
    return BLANK + sorted_country_choices()


def _split_list(value: str) -> list[str]:
    return [item.strip() for item in re.split(r"[\n,;]+", value or "") if item.strip()]


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
        (
            _("Consent"),
            ["consent_date", "consent_services", "consent_sharing", "consent_statistics", "consent_given_by"],
        ),
        (_("Risk and follow-up"), ["risk_level", "next_follow_up", "assigned_to", "is_restricted", "named_users"]),
    ]

    # Identity
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
    birth_year = forms.IntegerField(
        label=_("Year of birth"), required=False, min_value=1900, help_text=_("When only the year is known.")
    )
    age_band = forms.ChoiceField(label=_("Age band"), choices=AgeBand.choices, initial=AgeBand.UNKNOWN)
    gender = forms.ChoiceField(label=_("Gender"), choices=Gender.choices, initial=Gender.UNKNOWN)
    nationality = forms.ChoiceField(label=_("Nationality"), choices=_country_choices, initial="ID")
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
    # Situation
    intake_channel = forms.ChoiceField(label=_("How the case came in"), choices=IntakeChannel.choices)
    intake_date = forms.DateField(label=_("Intake date"), widget=DateInput)
    trafficking_status = forms.ChoiceField(label=_("Trafficking status"), choices=TraffickingStatus.choices)
    determined_by = forms.ChoiceField(label=_("Determined by"), choices=BLANK + DeterminedBy.choices, required=False)
    exploitation_types = forms.MultipleChoiceField(
        label=_("Types of exploitation"),
        choices=ExploitationType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    labour_sector = forms.ChoiceField(label=_("Labour sector"), choices=BLANK + LabourSector.choices, required=False)
    means_of_control = forms.MultipleChoiceField(
        label=_("Means of control"), choices=MeansOfControl.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    recruitment_method = forms.ChoiceField(
        label=_("Recruitment method"), choices=BLANK + RecruitmentMethod.choices, required=False
    )
    recruiter_relationship = forms.ChoiceField(
        label=_("Relationship to recruiter"), choices=BLANK + RecruiterRelationship.choices, required=False
    )
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
    # Route
    origin_province = forms.ChoiceField(
        label=_("Province of origin"), choices=BLANK + provinces.CHOICES, required=False
    )
    origin_regency = forms.ChoiceField(label=_("Regency or city of origin"), choices=BLANK, required=False)
    transit_provinces = forms.MultipleChoiceField(
        label=_("Transit provinces"),
        choices=provinces.CHOICES,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 4}),
    )
    transit_countries = forms.MultipleChoiceField(
        label=_("Transit countries"),
        choices=sorted_country_choices,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 4}),
    )
    destination_country = forms.ChoiceField(label=_("Destination country"), choices=_country_choices, required=False)
    destination_province = forms.ChoiceField(
        label=_("Destination province"),
        choices=BLANK + provinces.CHOICES,
        required=False,
        help_text=_("When the destination is in Indonesia."),
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
    # Risk and follow-up
    risk_level = forms.ChoiceField(label=_("Risk level"), choices=RiskLevel.choices, initial=RiskLevel.MEDIUM)
    next_follow_up = forms.DateField(
        label=_("Next follow-up"),
        required=False,
        widget=DateInput,
        help_text=_("Left empty, it follows the rhythm of the risk level."),
    )
    assigned_to = forms.ModelChoiceField(label=_("Assigned caseworker"), queryset=User.objects.none(), required=False)
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

    def __init__(self, *args: Any, organisation: Organisation, intake: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        colleagues = User.objects.filter(
            is_active=True,
            membership__organisation=organisation,
            membership__role=Role.CASEWORKER,
            membership__is_active=True,
        ).order_by("first_name", "username")
        self.fields["assigned_to"].queryset = colleagues
        self.fields["assigned_to"].label_from_instance = lambda user: user.get_full_name() or user.username
        self.fields["named_users"].queryset = colleagues
        self.fields["named_users"].label_from_instance = lambda user: user.get_full_name() or user.username
        self.fields["intake_date"].initial = timezone.localdate()
        self.fields["birth_year"].max_value = timezone.localdate().year
        province = self.data.get("origin_province") or self.initial.get("origin_province")
        self.fields["origin_regency"].choices = BLANK + regency_choices(province)
        self.intake = intake
        if not intake:
            for name in [
                "consent_date",
                "consent_services",
                "consent_sharing",
                "consent_statistics",
                "consent_given_by",
                "is_restricted",
                "named_users",
            ]:
                del self.fields[name]

    def sections(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [
            (title, [self[name] for name in names if name in self.fields])
            for title, names in self.SECTIONS
            if any(n in self.fields for n in names)
        ]

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
            if data.get("is_restricted") and not data.get("named_users"):
                data["named_users"] = []
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


def regency_choices(province: str | None) -> list[tuple[str, str]]:
    return [(code, name) for code, (prov, name) in regencies().items() if prov == province] if province else []


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
