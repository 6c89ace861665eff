"""Opening a case: the intake form, the duplicate check while it is typed, regency choices."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.http import AuthedRequest
from casework import selectors, services
from casework.forms import (
    CaseForm,
    DuplicateCheckForm,
    regency_choices,
)
from casework.views.lists import caseworker_only
from core.forms import attach_errors
from core.http import posted


@caseworker_only
@require_http_methods(["GET", "POST"])
def case_create(request: AuthedRequest) -> HttpResponse:
    organisation = request.user.organisation
    assert organisation is not None  # caseworker_only: an active membership
    form = CaseForm(posted(request), organisation=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            case = services.case_open(
                actor=request.user,
                summary=form.summary(),
                identity=form.identity(),
                contact=form.contact(),
                narrative=form.cleaned_data.get("narrative", ""),
                needs=form.cleaned_data.get("needs", ""),
                consents=form.consents(),
                is_restricted=form.cleaned_data.get("is_restricted", False),
                named_users=form.cleaned_data.get("named_users", []),
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            matches = selectors.duplicate_matches(
                request.user,
                nik=form.identity()["nik"],
                passport=form.identity()["passport"],
                phones=form.contact()["phones"],
                exclude=case,
                request=request,
            )
            if matches:
                names = ", ".join(match.organisation.name for match in matches)
                messages.warning(
                    request,
                    _("A case with the same identity number or phone is also held by: %(organisations)s.")
                    % {"organisations": names},
                )
            messages.success(request, _("Case %(reference)s is open.") % {"reference": case.reference})
            return redirect("casework:case_detail", case_id=case.pk)
    return render(request, "casework/case_form.html", {"form": form, "intake": True})


@caseworker_only
@require_POST
def duplicate_check(request: AuthedRequest) -> HttpResponse:
    """htmx, while the intake form is filled in: which organisations already hold a case with these identifiers."""
    form = DuplicateCheckForm(request.POST)
    matches = (
        selectors.duplicate_matches(request.user, request=request, **form.identifiers()) if form.is_valid() else []
    )
    return render(request, "casework/_duplicates.html", {"matches": matches})


@caseworker_only
@require_GET
def regency_options(request: AuthedRequest) -> HttpResponse:
    return render(
        request, "casework/_regency_options.html", {"choices": regency_choices(request.GET.get("origin_province"))}
    )
