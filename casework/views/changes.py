"""Editing, closing, reopening and restricting a case."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.http import AuthedRequest
from casework import selectors, services
from casework.forms import (
    CaseForm,
    CloseForm,
    RestrictionForm,
    VersionForm,
    initial_from_case,
    posted_initial,
)
from casework.views.lists import caseworker_only
from core.forms import attach_errors
from core.http import posted


@caseworker_only
@require_http_methods(["GET", "POST"])
def case_edit(request: AuthedRequest, case_id: str) -> HttpResponse:
    case = selectors.get_case_for(request.user, case_id, "change", request=request)
    sensitive = selectors.case_sensitive(case)
    form = CaseForm(posted(request), organisation=case.owner, intake=False, initial=initial_from_case(case, sensitive))
    version = VersionForm(posted(request), initial={"version": case.version})
    if request.method == "POST" and "all_countries" in request.POST:
        # Without the script: shown again with every country (casework/forms/widgets.py), nothing saved yet.
        form = CaseForm(organisation=case.owner, intake=False, initial=posted_initial(request.POST), all_countries=True)
        services.case_view_record(actor=request.user, case=case, request=request, tab="edit")
        context = {"form": form, "version": version, "case": case, "intake": False, "conflict": False}
        return render(request, "casework/case_form.html", context)
    conflict = False
    if request.method == "POST" and form.is_valid():
        try:
            services.case_update(
                actor=request.user,
                case=case,
                # A missing or malformed version is none this case had (they start at 1): refused as a conflict.
                expected_version=version.cleaned_data["version"] if version.is_valid() else 0,
                summary=form.summary(),
                identity=form.identity(),
                contact=form.contact(),
                narrative=form.cleaned_data.get("narrative", ""),
                needs=form.cleaned_data.get("needs", ""),
            )
        except services.CaseConflict as error:
            # Keep what this user typed; the form now carries the newer version, so saving again is a deliberate
            # choice made after seeing the warning.
            conflict = True
            messages.error(
                request,
                _(
                    "Someone else saved this case after you opened it. Nothing was overwritten: your changes are "
                    "still in the form below. Open the case in a new tab to see theirs, then save again."
                ),
            )
            version = VersionForm(initial={"version": error.case.version})
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("Case saved."))
            return redirect("casework:case_detail", case_id=case.pk)
    if request.method == "GET":  # the stored identifiers, filled in
        services.case_edit_record(actor=request.user, case=case, sensitive=sensitive, request=request)
    else:  # what this user typed, shown back
        services.case_view_record(actor=request.user, case=case, request=request, tab="edit")
    return render(
        request,
        "casework/case_form.html",
        {"form": form, "version": version, "case": case, "intake": False, "conflict": conflict},
    )


@caseworker_only
@require_http_methods(["GET", "POST"])
def case_close(request: AuthedRequest, case_id: str) -> HttpResponse:
    case = selectors.get_case_for(request.user, case_id, "change", request=request)
    form = CloseForm(posted(request), initial={"version": case.version})
    if request.method == "POST" and form.is_valid():
        try:
            services.case_close(
                actor=request.user,
                case=case,
                expected_version=form.cleaned_data["version"],
                reason=form.cleaned_data["reason"],
            )
        except services.CaseConflict:
            messages.error(
                request, _("Someone else saved this case after you opened it. Check it, then close it again.")
            )
            return redirect("casework:case_detail", case_id=case.pk)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("Case %(reference)s is closed.") % {"reference": case.reference})
            return redirect("casework:case_detail", case_id=case.pk)
    elif request.method == "POST" and "version" in form.errors:
        # The version is a hidden field: a missing or malformed one is refused like an outdated one.
        messages.error(request, _("Someone else saved this case after you opened it. Check it, then close it again."))
        return redirect("casework:case_detail", case_id=case.pk)
    return render(request, "casework/case_close.html", {"case": case, "form": form})


@caseworker_only
@require_POST
def case_reopen(request: AuthedRequest, case_id: str) -> HttpResponse:
    case = selectors.get_case_for(request.user, case_id, "change", request=request)
    form = VersionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Someone else saved this case after you opened it. Check it, then try again."))
        return redirect("casework:case_detail", case_id=case.pk)
    try:
        services.case_reopen(actor=request.user, case=case, expected_version=form.cleaned_data["version"])
    except services.CaseConflict:
        messages.error(request, _("Someone else saved this case after you opened it. Check it, then try again."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Case %(reference)s is open again.") % {"reference": case.reference})
    return redirect("casework:case_detail", case_id=case.pk)


@caseworker_only
@require_http_methods(["GET", "POST"])
def case_restriction(request: AuthedRequest, case_id: str) -> HttpResponse:
    from casework.access import named_users

    case = selectors.get_case_for(request.user, case_id, "change", request=request)
    form = RestrictionForm(
        posted(request),
        organisation=case.owner,
        initial={"is_restricted": case.is_restricted, "named_users": named_users(case)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.case_set_restriction(actor=request.user, case=case, **form.cleaned_data)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("Who may open this case is saved."))
            return redirect("casework:case_detail", case_id=case.pk)
    return render(request, "casework/case_restriction.html", {"case": case, "form": form})
