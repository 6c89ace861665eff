"""Forms of the person's rights: asking for an export or an erasure, proposing erasures from the retention list."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from casework.models import RightsRequest
from core.forms import StyledFormMixin


class RightsRequestForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("What the person asks for"), choices=RightsRequest.Kind.choices)
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required for an erasure. A colleague approves the request before anything happens."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == RightsRequest.Kind.ERASURE and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Say why the person's data is to be erased."))
        return data


class RightsRejectForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Why the request is rejected"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The colleague who asked is told that it was rejected; the reason is shown here."),
        error_messages={"required": _("Say why the request is rejected.")},
    )


class RetentionForm(StyledFormMixin, forms.Form):
    cases = forms.MultipleChoiceField(
        label=_("Cases to propose for erasure"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one case.")},
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=1000,
        initial=_("Closed longer than the retention period."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, choices: list[tuple[str, str]] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        self.fields["cases"].choices = choices
