"""The breach register's screens, for admins."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from accounts.choices import Role
from accounts.http import AuthedRequest
from accounts.models import Organisation
from accounts.permissions import role_required
from audit import breaches
from audit.models import BreachNotification
from core.forms import StyledFormMixin, attach_errors
from core.http import row_id

admin_only = role_required(Role.ADMIN)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M")


class BreachForm(StyledFormMixin, forms.Form):
    what = forms.CharField(
        label=gettext_lazy("What happened"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Describe the incident without naming any person."),
    )
    discovered_at = forms.DateTimeField(
        label=gettext_lazy("Discovered at"), widget=DateTimeInput(), input_formats=["%Y-%m-%dT%H:%M"]
    )
    organisations = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Organisations affected"),
        queryset=Organisation.objects.order_by("name"),
        widget=forms.CheckboxSelectMultiple,
    )
    cases_affected = forms.IntegerField(label=gettext_lazy("Number of cases affected"), min_value=0, max_value=10**7)


class NotificationForm(StyledFormMixin, forms.Form):
    recipient = forms.ChoiceField(label=gettext_lazy("Told"), choices=BreachNotification.Recipient.choices)
    notified_at = forms.DateTimeField(
        label=gettext_lazy("When"), widget=DateTimeInput(), input_formats=["%Y-%m-%dT%H:%M"]
    )
    how = forms.CharField(label=gettext_lazy("How"), max_length=200)


@admin_only
@require_http_methods(["GET", "POST"])
def breach_list(request: AuthedRequest) -> HttpResponse:
    now = timezone.localtime().replace(second=0, microsecond=0, tzinfo=None)
    form = BreachForm(request.POST or None, initial={"discovered_at": now})
    if request.method == "POST" and form.is_valid():
        try:
            breach = breaches.breach_record(actor=request.user, request=request, **form.cleaned_data)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("Breach %(reference)s recorded.") % {"reference": breach.reference})
            return redirect("audit:breach_detail", breach_id=breach.pk)
    rows: list[dict[str, Any]] = [
        {"breach": b, "left": breaches.time_left(b), "told": breaches.authority_told(b)} for b in breaches.breaches()
    ]
    return render(request, "audit/breaches.html", {"form": form, "rows": rows, "here": "breaches"})


@admin_only
@require_http_methods(["GET", "POST"])
def breach_detail(request: AuthedRequest, breach_id: int) -> HttpResponse:
    breach = breaches.breach_of(row_id(str(breach_id)) or 0)
    if breach is None:
        raise Http404
    now = timezone.localtime().replace(second=0, microsecond=0, tzinfo=None)
    form = NotificationForm(request.POST or None, initial={"notified_at": now})
    if request.method == "POST" and form.is_valid():
        try:
            breaches.breach_notification_record(actor=request.user, breach=breach, **form.cleaned_data)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("The notification is recorded."))
            return redirect("audit:breach_detail", breach_id=breach.pk)
    return render(
        request,
        "audit/breach_detail.html",
        {"breach": breach, "form": form, "left": breaches.time_left(breach), "here": "breaches"},
    )
