from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.choices import ServiceType
from accounts.models import Organisation
from casework.forms import TEXT_LIMIT
from core import provinces
from core.forms import MemoChoiceField, MemoTypedChoiceField, StyledFormMixin, share_choices
from referrals.choices import DeclineReason, Outcome, ReferralStatus, Urgency
from referrals.models import SHAREABLE

BLANK = [("", "—")]


class OrganisationChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Organisation) -> str:
        return f"{obj.name} ({obj.code}, {obj.get_province_display()})"


class ReferralForm(StyledFormMixin, forms.Form):
    to_org = OrganisationChoice(label=_("Refer to"), queryset=Organisation.objects.none())
    services = forms.MultipleChoiceField(
        label=_("Services requested"), choices=ServiceType.choices, widget=forms.CheckboxSelectMultiple
    )
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices, initial=Urgency.ROUTINE)
    reason = forms.CharField(
        label=_("Reason for the referral"),
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the person needs from them. Encrypted; the receiving organisation reads it once it accepts."),
    )
    sections = forms.MultipleChoiceField(
        label=_("Also share"),
        choices=SHAREABLE,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The non-identifying summary is always shared. Tick only what the receiving organisation needs."),
    )
    override_reason = forms.CharField(
        label=_("Reason to refer without consent"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Only when the person has not consented to sharing and your role allows an override. Coordinators are told."
        ),
    )

    def __init__(self, *args: Any, owner: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_org"].queryset = (
            Organisation.objects.filter(is_active=True).exclude(pk=owner.pk).order_by("name")
        )


class DeclineForm(StyledFormMixin, forms.Form):
    reason = forms.ChoiceField(label=_("Reason for declining"), choices=BLANK + DeclineReason.choices)
    note = forms.CharField(label=_("Note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))


class CompleteForm(StyledFormMixin, forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=BLANK + Outcome.choices)
    note = forms.CharField(label=_("Note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))


class UpdateForm(StyledFormMixin, forms.Form):
    note = forms.CharField(label=_("Update"), max_length=TEXT_LIMIT, widget=forms.Textarea(attrs={"rows": 2}))


class CancelForm(StyledFormMixin, forms.Form):
    note = forms.CharField(
        label=_("Why cancel?"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class SuggestedOrganisation(OrganisationChoice):
    """One of the organisations suggested (already read, ``suggested``): the choice is looked up among them, as the
    queryset of exactly those would, without asking the database again."""

    suggested: dict[str, Organisation]

    def to_python(self, value: Any) -> Organisation | None:
        if value in self.empty_values:
            return None
        try:
            return self.suggested[str(value)]
        except (KeyError, AttributeError):
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value}
            ) from None


class ReassignForm(StyledFormMixin, forms.Form):
    to_org = SuggestedOrganisation(
        label=_("Reassign to"), queryset=Organisation.objects.none(), widget=forms.RadioSelect, empty_label=None
    )
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(
        self, *args: Any, choices: list[Organisation], notes: dict[int, str] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["to_org"]
        field.suggested = {str(o.pk): o for o in choices}  # what it accepts (to_python), with no queryset to read
        self.suggest(choices, notes)

    def suggest(self, choices: list[Organisation], notes: dict[int, str] | None = None) -> None:
        """The choices shown, in this order, each with why it is suggested: one click picks a suggestion (a radio
        per organisation, best first). What the form accepts stays the organisations it was made with."""
        field = self.fields["to_org"]
        notes = notes or {}
        field.choices = [
            (o.pk, f"{field.label_from_instance(o)}{' · ' + notes[o.pk] if o.pk in notes else ''}") for o in choices
        ]


class QueueFilterForm(forms.Form):
    status = MemoChoiceField(label=_("Status"), choices=BLANK + ReferralStatus.choices, required=False)
    urgency = MemoChoiceField(label=_("Urgency"), choices=BLANK + Urgency.choices, required=False)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    # The organisations' ids (the choices are the organisations, read once for both in __init__): a model choice
    # field copied and iterated its queryset for each select, on a page coordinators reload all day.
    from_org = MemoTypedChoiceField(label=_("From"), coerce=int, required=False, empty_value=None)
    to_org = MemoTypedChoiceField(label=_("To"), coerce=int, required=False, empty_value=None)
    province = MemoChoiceField(label=_("Province of origin"), choices=BLANK + provinces.CHOICES, required=False)
    service = MemoChoiceField(label=_("Service"), choices=BLANK + ServiceType.choices, required=False)
    show = MemoChoiceField(
        label=_("Show"),
        choices=[("open", _("Open referrals")), ("finished", _("Finished referrals")), ("all", _("All referrals"))],
        required=False,
    )
    sort = MemoChoiceField(
        label=_("Sort by"),
        choices=[
            ("urgency", _("Urgency, then longest waiting")),
            ("waited", _("Longest waiting first")),
            ("newest", _("Newest first")),
        ],
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = "form-check-input" if isinstance(field.widget, forms.CheckboxInput) else "form-select form-select-sm"
            field.widget.attrs["class"] = css
        # Both organisation selects list the same organisations: read them once (the querysets still validate).
        rows = Organisation.objects.values_list("pk", "name", "code")  # as Organisation.__str__ writes them
        organisations = [("", "—")] + [(pk, f"{name} ({code})") for pk, name, code in rows]
        share_choices(organisations, self.fields["from_org"], self.fields["to_org"])  # type: ignore[arg-type]
