"""Filters of the admins' audit screens."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from accounts.models import Organisation
from audit import history_registry
from audit.models import AccessLog
from core.forms import DateInputField, StyledFormMixin


class LogFilterForm(StyledFormMixin, forms.Form):
    user = forms.CharField(label=gettext_lazy("User"), required=False, max_length=150)
    organisation = forms.ModelChoiceField(
        label=gettext_lazy("Organisation"), queryset=Organisation.objects.all(), required=False
    )
    reference = forms.CharField(label=gettext_lazy("Case or referral reference"), required=False, max_length=40)
    event = forms.ChoiceField(
        label=gettext_lazy("Event"), choices=[("", "—"), *AccessLog.Event.choices], required=False
    )
    date_from = DateInputField(label=gettext_lazy("From"), required=False)
    date_to = DateInputField(label=gettext_lazy("To"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            self.add_error("date_to", _("The end date is before the start date."))
        return data


class ChangeFilterForm(StyledFormMixin, forms.Form):
    record = forms.ChoiceField(label=pgettext_lazy("kind of record", "Record"), required=False)
    user = forms.CharField(label=gettext_lazy("Changed by"), required=False, max_length=150)
    reference = forms.CharField(label=gettext_lazy("Reference"), required=False, max_length=40)
    date_from = DateInputField(label=gettext_lazy("From"), required=False)
    date_to = DateInputField(label=gettext_lazy("To"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["record"].choices = [("", "—")] + [(a.key, a.label) for a in history_registry.audited()]
