"""Notes, services and consents of a case."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.http import AuthedRequest
from casework import selectors, services
from casework.forms import (
    ConsentForm,
    NoteForm,
    ServiceForm,
)
from casework.views.lists import caseworker_only
from casework.views.pages import _case_page
from core.forms import attach_errors
from core.http import posted


@caseworker_only
@require_http_methods(["GET", "POST"])
def case_notes(request: AuthedRequest, case_id: str) -> HttpResponse:
    case = selectors.get_case_for(request.user, case_id, request=request)
    form = NoteForm(posted(request)) if case.access.can_change else None
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            services.note_add(actor=request.user, case=case, **form.cleaned_data)
            messages.success(request, _("Note saved."))
            return redirect("casework:case_notes", case_id=case.pk)
    return _case_page(request, case, "notes", "casework/case_notes.html", notes=selectors.case_notes(case), form=form)


@caseworker_only
@require_http_methods(["GET", "POST"])
def case_services(request: AuthedRequest, case_id: str) -> HttpResponse:
    case = selectors.get_case_for(request.user, case_id, request=request)
    granted = case.access
    form = None
    if granted.can_change or granted.is_referred:
        form = ServiceForm(posted(request), provider=None if granted.can_change else request.user.organisation)
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            try:
                services.service_record_add(actor=request.user, case=case, **form.cleaned_data)
            except ValidationError as error:
                attach_errors(form, error)
            else:
                messages.success(request, _("Service recorded."))
                return redirect("casework:case_services", case_id=case.pk)
    return _case_page(
        request,
        case,
        "services",
        "casework/case_services.html",
        records=selectors.case_services(case, viewer=request.user),
        form=form,
    )


@caseworker_only
@require_http_methods(["GET", "POST"])
def case_consents(request: AuthedRequest, case_id: str) -> HttpResponse:
    case = selectors.get_case_for(request.user, case_id, "change", request=request)
    form = ConsentForm(posted(request), initial={"given_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.consent_give(actor=request.user, case=case, **form.cleaned_data)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("Consent recorded."))
            return redirect("casework:case_consents", case_id=case.pk)
    return _case_page(
        request, case, "consents", "casework/case_consents.html", consents=selectors.case_consents(case), form=form
    )


@caseworker_only
@require_POST
def consent_withdraw(request: AuthedRequest, case_id: str, consent_id: str) -> HttpResponse:
    case = selectors.get_case_for(request.user, case_id, "change", request=request)
    consent = selectors.consent_of(case, consent_id)
    if consent is None:
        raise Http404
    try:
        services.consent_withdraw(actor=request.user, consent=consent)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The withdrawal of consent is recorded."))
    return redirect("casework:case_consents", case_id=case.pk)
