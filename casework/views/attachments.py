"""The attachments of a case: list and upload (several files at once), download (streamed, decrypted, logged),
delete."""

from __future__ import annotations

from collections.abc import Iterator

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.http import AuthedRequest
from audit import access_log
from audit.models import AccessLog
from casework import selectors
from casework.forms.attachments import AttachmentForm
from casework.services import attachments as service
from casework.views.lists import caseworker_only
from casework.views.pages import _case_page
from core.forms import attach_errors


def _attachment_for(request: AuthedRequest, case_id: str, attachment_id: str, action: str = "") -> tuple:
    case = selectors.get_case_for(request.user, case_id, request=request)
    attachment = selectors.attachment_of(case, attachment_id)
    if attachment is None:
        raise Http404
    wanted = action or f"view_{attachment.section}"
    if not case.access.allows(wanted):
        access_log.record_for(
            AccessLog.Event.ACCESS_DENIED, actor=request.user, obj=case, request=request, detail=f"attachment {wanted}"
        )
        raise Http404
    return case, attachment


@caseworker_only
@require_http_methods(["GET", "POST"])
def case_attachments(request: AuthedRequest, case_id: str) -> HttpResponse:
    case = selectors.get_case_for(request.user, case_id, request=request)
    if not selectors.attachment_sections(case):
        access_log.record_for(
            AccessLog.Event.ACCESS_DENIED, actor=request.user, obj=case, request=request, detail="attachments"
        )
        raise Http404
    can_upload = case.access.allows("change") and case.erased_at is None
    form = None
    if can_upload:
        form = AttachmentForm(request.POST or None, request.FILES or None) if request.method == "POST" else None
        form = form or AttachmentForm()
    if request.method == "POST":
        if not can_upload or form is None:
            raise Http404
        if form.is_valid():
            try:
                stored = service.attachment_add(
                    actor=request.user,
                    case=case,
                    incoming=form.prepared,
                    section=form.cleaned_data["section"],
                    description=form.cleaned_data["description"],
                    request=request,
                )
            except ValidationError as error:
                attach_errors(form, error)
            else:
                messages.success(
                    request,
                    ngettext("%(count)d file attached.", "%(count)d files attached.", len(stored))
                    % {"count": len(stored)},
                )
                return redirect("casework:case_attachments", case_id=case.pk)
    return _case_page(
        request,
        case,
        "attachments",
        "casework/case_attachments.html",
        attachments=selectors.case_attachments(case),
        form=form,
    )


@caseworker_only
@require_GET
def attachment_download(request: AuthedRequest, case_id: str, attachment_id: str) -> StreamingHttpResponse:
    _case, attachment = _attachment_for(request, case_id, attachment_id)
    if attachment.case.erased_at is not None:
        raise Http404
    name, stream = service.attachment_download(actor=request.user, attachment=attachment, request=request)
    # The first chunk is opened before the answer starts, so that a broken or erased file is a clear error page,
    # not a download cut short.
    first = [next(stream)]

    def chunks() -> Iterator[bytes]:
        yield first.pop()  # not kept once sent
        yield from stream

    response = StreamingHttpResponse(chunks(), content_type=attachment.content_type)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=name) or "attachment"
    response["Content-Length"] = str(attachment.size)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store, private"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@caseworker_only
@require_POST
def attachment_delete(request: AuthedRequest, case_id: str, attachment_id: str) -> HttpResponse:
    case, attachment = _attachment_for(request, case_id, attachment_id, "change")
    try:
        service.attachment_delete(actor=request.user, attachment=attachment, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The attachment was deleted."))
    return redirect("casework:case_attachments", case_id=case.pk)
