"""The person's rights on a case (for caseworkers of the owner organisation): export and erasure requests with four
eyes, the export's printable page and ZIP, and the retention review list."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.http import AuthedRequest
from audit.models import AccessLog
from casework import selectors
from casework.forms.rights import RetentionForm, RightsRejectForm, RightsRequestForm
from casework.models import RightsRequest
from casework.services import rights as service
from casework.views.lists import caseworker_only
from casework.views.pages import _case_page
from core.forms import attach_errors


@dataclass
class RequestRow:
    item: RightsRequest
    rejection: str = ""
    reject_form: RightsRejectForm | None = None


def _rights_page(
    request: AuthedRequest,
    case,
    form: RightsRequestForm,
    reject_form: RightsRejectForm | None = None,
    rejecting: object = None,
) -> HttpResponse:
    rows = []
    for item in service.case_requests(case):
        row = RequestRow(item, service.rejection_of(item) if item.state == RightsRequest.State.REJECTED else "")
        if item.state == RightsRequest.State.REQUESTED:  # one form each, its own ids; the refused one keeps its text
            bound = reject_form is not None and rejecting == item.pk
            row.reject_form = reject_form if bound else RightsRejectForm(prefix="reject", auto_id=f"id_{item.pk}_%s")
        rows.append(row)
    return _case_page(
        request,
        case,
        "rights",
        "casework/case_rights.html",
        form=form,
        requests=rows,
        me=request.user.pk,
        rejecting=rejecting,
    )


@caseworker_only
@require_GET
def case_rights(request: AuthedRequest, case_id: str) -> HttpResponse:
    case = selectors.get_case_for(request.user, case_id, "change", request=request)
    return _rights_page(request, case, RightsRequestForm())


@caseworker_only
@require_POST
def rights_request(request: AuthedRequest, case_id: str) -> HttpResponse:
    case = selectors.get_case_for(request.user, case_id, "change", request=request)
    form = RightsRequestForm(request.POST)
    if form.is_valid():
        try:
            service.rights_request(actor=request.user, case=case, request=request, **form.cleaned_data)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("The request is recorded. A colleague must approve it."))
            return redirect("casework:case_rights", case_id=case.pk)
    return _rights_page(request, case, form)


@caseworker_only
@require_POST
def rights_approve(request: AuthedRequest, case_id: str, request_id: str) -> HttpResponse:
    case = selectors.get_case_for(request.user, case_id, "change", request=request)
    rights = service.request_of(case, request_id)
    if rights is None:
        raise Http404
    try:
        service.rights_approve(actor=request.user, rights=rights, request=request)
    except PermissionDenied:
        messages.error(request, _("A request must be approved by a colleague, not by the person who made it."))
        return redirect("casework:case_rights", case_id=case.pk)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if rights.kind == RightsRequest.Kind.ERASURE:
            messages.success(request, _("The person's data is erased. The reference and statistics remain."))
        else:
            messages.success(request, _("The export is approved. It is available for 24 hours."))
    return redirect("casework:case_rights", case_id=case.pk)


@caseworker_only
@require_POST
def rights_reject(request: AuthedRequest, case_id: str, request_id: str) -> HttpResponse:
    """A colleague rejects a waiting request with a reason; a missing reason shows beside the field, nothing lost."""
    case = selectors.get_case_for(request.user, case_id, "change", request=request)
    rights = service.request_of(case, request_id)
    if rights is None:
        raise Http404
    form = RightsRejectForm(request.POST, prefix="reject", auto_id=f"id_{rights.pk}_%s")
    if form.is_valid():
        try:
            service.rights_reject(
                actor=request.user, rights=rights, reason=form.cleaned_data["reason"], request=request
            )
        except PermissionDenied:
            messages.error(request, _("A request must be rejected by a colleague, not by the person who made it."))
            return redirect("casework:case_rights", case_id=case.pk)
        except ValidationError as error:
            if not hasattr(error, "error_dict"):
                messages.error(request, " ".join(error.messages))
                return redirect("casework:case_rights", case_id=case.pk)
            attach_errors(form, error)
        else:
            messages.success(request, _("The request is rejected. The colleague who asked is told."))
            return redirect("casework:case_rights", case_id=case.pk)
    return _rights_page(request, case, RightsRequestForm(), reject_form=form, rejecting=rights.pk)


def _export(request: AuthedRequest, case_id: str, request_id: str):
    case = selectors.get_case_for(request.user, case_id, "change", request=request)
    try:
        rights = service.export_for(actor=request.user, case=case, rights_id=request_id)
    except (PermissionDenied, ValidationError, ValueError):
        raise Http404 from None
    return case, rights


@caseworker_only
@require_GET
def export_page(request: AuthedRequest, case_id: str, request_id: str) -> HttpResponse:
    case, rights = _export(request, case_id, request_id)
    data = service.export_data(
        actor=request.user, case=case, rights=rights, request=request, event=AccessLog.Event.EXPORT_VIEWED
    )
    return render(request, "casework/export.html", {"case": case, "rights": rights, "data": data})


@caseworker_only
@require_GET
def export_zip(request: AuthedRequest, case_id: str, request_id: str) -> StreamingHttpResponse:
    case, rights = _export(request, case_id, request_id)
    stream = service.export_zip_stream(actor=request.user, case=case, rights=rights, request=request)
    response = StreamingHttpResponse(stream, content_type="application/zip")
    response["Content-Disposition"] = (
        content_disposition_header(as_attachment=True, filename=f"jejaring-{case.reference}-export.zip") or "attachment"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store, private"
    return response


def _reject_batch(request: AuthedRequest) -> HttpResponse:
    reason = request.POST.get("reason", "").strip()
    try:
        batch = uuid.UUID(request.POST.get("batch", ""))
        if not reason:
            raise ValidationError({"reason": _("Say why the request is rejected.")})
        done = service.rights_reject_batch(actor=request.user, batch=batch, reason=reason[:1000], request=request)
    except ValueError:
        messages.error(request, _("Nothing of this proposal is waiting for approval."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except PermissionDenied:
        messages.error(request, _("A request must be rejected by a colleague, not by the person who made it."))
    else:
        messages.success(request, _("%(count)s erasure requests rejected.") % {"count": len(done)})
    return redirect("casework:retention")


@caseworker_only
@require_http_methods(["GET", "POST"])
def retention_list(request: AuthedRequest) -> HttpResponse:
    """Closed cases past the retention period, for the owner organisation: propose their erasure together, or
    approve a colleague's proposal."""
    due = list(service.retention_due(request.user))
    form = RetentionForm(
        request.POST if request.method == "POST" and "propose" in request.POST else None,
        choices=[(str(case.pk), case.reference) for case in due],
    )
    if request.method == "POST":
        if "approve" in request.POST:
            try:
                batch = uuid.UUID(request.POST.get("batch", ""))
                done = service.rights_approve_batch(actor=request.user, batch=batch, request=request)
            except (ValueError, ValidationError):
                messages.error(request, _("Nothing of this proposal is waiting for approval."))
            except PermissionDenied:
                messages.error(request, _("A request must be approved by a colleague, not by the person who made it."))
            else:
                messages.success(request, _("%(count)s cases erased.") % {"count": len(done)})
            return redirect("casework:retention")
        if "reject" in request.POST:
            return _reject_batch(request)
        if form.is_valid():
            chosen = [case for case in due if str(case.pk) in set(form.cleaned_data["cases"])]
            try:
                service.retention_propose(
                    actor=request.user, cases=chosen, reason=form.cleaned_data["reason"], request=request
                )
            except (ValidationError, PermissionDenied) as error:
                attach_errors(form, error if isinstance(error, ValidationError) else ValidationError(str(error)))
            else:
                messages.success(request, _("The erasure is proposed. A colleague must approve it."))
                return redirect("casework:retention")
    return render(
        request,
        "casework/retention.html",
        {
            "due": due,
            "form": form,
            "batches": service.pending_batches(request.user),
            "me": request.user.pk,
            "retention_years": settings.JEJARING_RETENTION_YEARS,
        },
    )
