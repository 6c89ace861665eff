"""Forms of the learning space. They validate input and show errors beside the field in the user's language; the
services decide what is allowed (the review checklist is checked there too, not only here)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.choices import ServiceType
from casework.choices import ExploitationType
from core import provinces
from core.forms import DateInputField, MemoChoiceField, MemoTypedChoiceField, StyledFormMixin, share_choices
from learning.choices import (
    CHECKLIST,
    OUTCOMES,
    DocumentKind,
    Institution,
    RecommendationStatus,
    SubmissionChannel,
    Topic,
)
from learning.models import Practice

BLANK = [("", "—")]


class PracticeForm(StyledFormMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(
        label=_("Summary"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}), help_text=_("One or two lines.")
    )
    body = forms.CharField(
        label=_("The practice"),
        max_length=50_000,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_(
            "Markdown: **bold**, *italic*, lists, [links](https://…). No HTML. Write nothing that could identify "
            "a person you assisted."
        ),
    )
    topic = forms.ChoiceField(label=_("Topic"), choices=Topic.choices)
    service_type = forms.ChoiceField(label=_("Service"), choices=BLANK + ServiceType.choices, required=False)
    exploitation_type = forms.ChoiceField(
        label=_("Type of exploitation"), choices=BLANK + ExploitationType.choices, required=False
    )
    province = forms.ChoiceField(label=_("Province"), choices=BLANK + provinces.CHOICES, required=False)

    @classmethod
    def initial_from(cls, practice: Practice) -> dict[str, Any]:
        return {name: getattr(practice, name) for name in cls.base_fields}


class ChecklistForm(StyledFormMixin, forms.Form):
    checklist = forms.MultipleChoiceField(
        label=_("Before publishing, confirm that"),
        choices=CHECKLIST,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )


class LibraryFilterForm(StyledFormMixin, forms.Form):
    q = forms.CharField(label=_("Search"), max_length=200, required=False)
    # The vocabularies' choices shared by every copy of the form (core.forms.SharedChoices), not copied per request.
    topic = MemoChoiceField(label=_("Topic"), choices=[("", _("All topics")), *Topic.choices], required=False)
    province = MemoChoiceField(
        label=_("Province"), choices=[("", _("All provinces")), *provinces.CHOICES], required=False
    )
    organisation = MemoTypedChoiceField(label=_("Organisation"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args: Any, organisations: Any = (), **kwargs: Any) -> None:
        """``organisations``: (id, name) pairs (selectors.library_organisations)."""
        super().__init__(*args, **kwargs)
        share_choices([("", _("All organisations")), *organisations], self.fields["organisation"])  # type: ignore[arg-type]


class CommentForm(StyledFormMixin, forms.Form):
    body = forms.CharField(
        label=_("Your comment"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Markdown. Write nothing that could identify a person you assisted."),
    )


class TopicsForm(StyledFormMixin, forms.Form):
    topics = forms.MultipleChoiceField(
        label=_("Tell me about new practices in"),
        choices=Topic.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )


class DocumentMetadataForm(StyledFormMixin, forms.Form):
    """What describes a document; editing it never replaces the file."""

    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind of document"), choices=DocumentKind.choices)
    topic = forms.ChoiceField(label=_("Topic"), choices=BLANK + Topic.choices, required=False)
    description = forms.CharField(
        label=_("Description"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    @classmethod
    def initial_from(cls, document: Any) -> dict[str, Any]:
        return {name: getattr(document, name) for name in ("title", "kind", "topic", "description")}


class DocumentForm(DocumentMetadataForm):
    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF, DOCX, ODT, XLSX, PNG or JPEG, at most 20 MB. It must hold no data about victims."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.docx,.odt,.xlsx,.png,.jpg,.jpeg"}),
    )


class DocumentFilterForm(StyledFormMixin, forms.Form):
    q = forms.CharField(label=_("Search"), max_length=200, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", _("All kinds")), *DocumentKind.choices], required=False)


class RecommendationForm(StyledFormMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    problem = forms.CharField(label=_("The problem"), max_length=20_000, widget=forms.Textarea(attrs={"rows": 6}))
    recommendation = forms.CharField(
        label=_("The recommendation"), max_length=20_000, widget=forms.Textarea(attrs={"rows": 6})
    )
    institution = forms.ChoiceField(label=_("Addressed to"), choices=Institution.choices)


class RecommendationFilterForm(StyledFormMixin, forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("Every status")), *RecommendationStatus.choices], required=False
    )
    institution = forms.ChoiceField(
        label=_("Addressed to"), choices=[("", _("Every institution")), *Institution.choices], required=False
    )


class SubmitForm(StyledFormMixin, forms.Form):
    submitted_on = DateInputField(label=_("Submitted on"))
    submitted_to = forms.CharField(
        label=_("Submitted to"), max_length=200, help_text=_("The office or official, e.g. Komisi VIII DPR RI.")
    )
    submitted_how = forms.ChoiceField(label=_("How"), choices=SubmissionChannel.choices)


class AnswerForm(StyledFormMixin, forms.Form):
    answered_on = DateInputField(label=_("Answered on"))
    answer = forms.CharField(label=_("The answer"), max_length=20_000, widget=forms.Textarea(attrs={"rows": 4}))


class OutcomeForm(StyledFormMixin, forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=[(s.value, s.label) for s in RecommendationStatus if s in OUTCOMES]
    )
    decided_on = DateInputField(label=_("Decided on"), required=False)


class PracticeEvidenceForm(StyledFormMixin, forms.Form):
    practice = forms.ModelChoiceField(label=_("Cite a good practice"), queryset=Practice.objects.none())

    def __init__(self, *args: Any, practices: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if practices is not None:
            self.fields["practice"].queryset = practices


class FigureEvidenceForm(StyledFormMixin, forms.Form):
    figure = forms.ChoiceField(label=_("Cite a figure of a quarterly network report"), choices=())

    def __init__(self, *args: Any, figures: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["figure"].choices = [("", "—"), *figures]


class ChallengeEvidenceForm(StyledFormMixin, forms.Form):
    challenge: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Cite a challenge from the register"), queryset=None
    )

    def __init__(self, *args: Any, challenges: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["challenge"].queryset = challenges
        self.fields["challenge"].label_from_instance = lambda c: (
            f"{c.period} · {c.get_category_display()}: {c.description[:80]}"
        )


class EventForm(StyledFormMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    date = DateInputField(label=_("Date"))
    place = forms.CharField(label=_("Place"), max_length=200)
    province = forms.ChoiceField(label=_("Province"), choices=BLANK + provinces.CHOICES, required=False)
    agenda = forms.CharField(
        label=_("Agenda"), max_length=20_000, required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    organisations: forms.ModelMultipleChoiceField = forms.ModelMultipleChoiceField(
        label=_("Organisations taking part"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    practices: forms.ModelMultipleChoiceField = forms.ModelMultipleChoiceField(
        label=_("Practices that came out of it"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    recommendations: forms.ModelMultipleChoiceField = forms.ModelMultipleChoiceField(
        label=_("Recommendations that came out of it"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    challenges: forms.ModelMultipleChoiceField = forms.ModelMultipleChoiceField(
        label=_("Challenges that came out of it"),
        help_text=_("Approved challenges of the network's register, shown without the organisation."),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Only approved challenges of the register can be linked.")},
    )

    def __init__(self, *args: Any, choices: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, queryset in choices.items():
            self.fields[name].queryset = queryset
        self.fields["challenges"].label_from_instance = challenge_label


def challenge_label(challenge: Any) -> str:
    """Category, province, period and the start of the text: never the organisation."""
    text = " ".join(challenge.description.split())
    short = text if len(text) <= 80 else f"{text[:79]}…"
    return f"{challenge.get_category_display()} · {challenge.get_province_display()} · {challenge.period} · {short}"
