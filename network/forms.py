"""Forms of the network pages. What members type here is published to the network: no personal data."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.choices import ServiceType
from core import provinces
from core.forms import DateInputField, MemoChoiceField, StyledFormMixin, share_choices
from network import selectors
from network.models import CapacityLevel, ChallengeCategory, NeedUrgency

BLANK = [("", "—")]
NO_PERSONAL_DATA = _("Do not write names, identity numbers, addresses or anything else that could identify a person.")


def period_choices(
    *, quarters_only: bool = False, closed_only: bool = False, marker: str | None = None
) -> list[tuple[str, str]]:
    """``marker``: the refresh the page shows (selectors.refresh_state), so that the periods are not read again."""
    from django.utils import timezone

    today = timezone.localdate()
    return [
        (p.code, p.code)
        for p in selectors.periods(today, marker=marker)
        if (not quarters_only or p.quarter) and (not closed_only or p.is_closed(today))
    ]


class MapForm(StyledFormMixin, forms.Form):
    """The map's switchers: every value from a fixed list."""

    # The choices shared by every copy of the form, or set once per request (core.forms: not copied, not
    # normalised twice), on a page every member opens.
    metric = MemoChoiceField(label=_("Show"), choices=list(selectors.METRICS.items()), required=False)
    category = MemoChoiceField(label=_("Category"), required=False)
    period = MemoChoiceField(label=_("Period"), required=False)

    def __init__(self, *args: Any, marker: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        share_choices(period_choices(marker=marker), self.fields["period"])  # type: ignore[arg-type]
        metric = (self.data.get("metric") if self.is_bound else "") or "origin"
        categories = selectors.category_choices(metric if metric in selectors.METRICS else "origin")
        share_choices(categories or [("", _("All"))], self.fields["category"])  # type: ignore[arg-type]


class PeriodForm(StyledFormMixin, forms.Form):
    period = MemoChoiceField(label=_("Period"), required=False)

    def __init__(self, *args: Any, marker: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        share_choices(period_choices(marker=marker), self.fields["period"])  # type: ignore[arg-type]


class ChallengeForm(StyledFormMixin, forms.Form):
    category = forms.ChoiceField(label=_("Category"), choices=BLANK + list(ChallengeCategory.choices))
    province = forms.ChoiceField(label=_("Province"), choices=BLANK + provinces.CHOICES)
    period = forms.ChoiceField(label=_("Quarter"))
    description = forms.CharField(
        label=_("Short description"),
        max_length=600,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=NO_PERSONAL_DATA,
    )
    named = forms.BooleanField(
        label=_("Name my organisation beside this challenge"),
        required=False,
        help_text=_("Otherwise the network sees the text without your organisation's name."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = period_choices(quarters_only=True)


class ModerationForm(StyledFormMixin, forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=[("approve", _("Approve")), ("reject", _("Reject"))], widget=forms.RadioSelect
    )
    reason = forms.CharField(label=_("Reason (required to reject)"), max_length=300, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == "reject" and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Say why you reject it."))
        return data


class NeedForm(StyledFormMixin, forms.Form):
    service = forms.ChoiceField(label=_("Service needed"), choices=BLANK + list(ServiceType.choices))
    province = forms.ChoiceField(label=_("Province"), choices=BLANK + provinces.CHOICES)
    urgency = forms.ChoiceField(label=_("Urgency"), choices=NeedUrgency.choices, initial=NeedUrgency.MEDIUM)
    expires_on = DateInputField(label=_("Expires on"))
    text = forms.CharField(
        label=_("Short text"), max_length=600, widget=forms.Textarea(attrs={"rows": 3}), help_text=NO_PERSONAL_DATA
    )


class CapacityForm(StyledFormMixin, forms.Form):
    service = forms.ChoiceField(label=_("Service"), choices=ServiceType.choices, widget=forms.HiddenInput)
    level = forms.ChoiceField(label=_("Capacity"), choices=CapacityLevel.choices)


class FreezeForm(StyledFormMixin, forms.Form):
    period = forms.ChoiceField(label=_("Quarter"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = [(p.code, p.code) for p in selectors.closed_quarters_without_report()]
