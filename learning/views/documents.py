"""The document library: list, upload, review, and downloads that stream, as attachments, and are logged."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.choices import Role
from accounts.http import AuthedRequest
from core.http import posted
from learning import selectors, services
from learning.choices import Status
from learning.forms import ChecklistForm, DocumentFilterForm, DocumentForm, DocumentMetadataForm
from learning.models import Document
from learning.views._common import (
    act,
    admin_required,
    attach,
    author_required,
    coordinator_required,
    cursor_of,
    member_required,
)


@member_required
@require_GET
def documents(request: AuthedRequest) -> HttpResponse:
    form = DocumentFilterForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    found = selectors.document_list(
        request.user, kind=data.get("kind", ""), q=data.get("q", ""), cursor=cursor_of(request)
    )
    query = request.GET.copy()
    query.pop("after", None)
    return render(
        request,
        "learning/documents.html",
        {**found, "form": form, "query": query.urlencode(), "may_upload": request.user.role in selectors.AUTHOR_ROLES},
    )


@author_required
@require_http_methods(["GET", "POST"])
def document_upload(request: AuthedRequest) -> HttpResponse:
    form = DocumentForm(posted(request), request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        upload = data.pop("file")
        try:
            document = services.document_upload(actor=request.user, upload=upload, **data)
        except ValidationError as error:
            attach(form, error)
        else:
            messages.success(request, _("The document is stored as a draft. Submit it for review to share it."))
            return redirect("learning:document_detail", document_id=document.pk)
    return render(request, "learning/document_form.html", {"form": form})


def _context(request: AuthedRequest, document: Document, checklist_form: Any = None) -> dict[str, Any]:
    return {
        "document": document,
        "is_author": document.author_id == request.user.pk,
        "is_coordinator": request.user.role == Role.COORDINATOR,
        "is_admin": request.user.role == Role.ADMIN,
        "may_edit": selectors.may_edit_document(request.user, document),
        "checklist_form": checklist_form or ChecklistForm(),
        "Status": Status,
    }


@member_required
@require_GET
def document_detail(request: AuthedRequest, document_id: str) -> HttpResponse:
    document = selectors.get_document_for(request.user, document_id)
    return render(request, "learning/document_detail.html", _context(request, document))


@author_required
@require_http_methods(["GET", "POST"])
def document_edit(request: AuthedRequest, document_id: str) -> HttpResponse:
    document = selectors.get_document_for(request.user, document_id)
    if not selectors.may_edit_document(request.user, document):
        raise PermissionDenied
    form = DocumentMetadataForm(posted(request), initial=DocumentMetadataForm.initial_from(document))
    if request.method == "POST" and form.is_valid():
        was_published = document.status == Status.PUBLISHED
        try:
            document = services.document_update(actor=request.user, document=document, **form.cleaned_data)
        except ValidationError as error:
            attach(form, error)
        else:
            if was_published and document.status == Status.IN_REVIEW:
                messages.warning(request, _("Your changes are saved. The document is back in review."))
            else:
                messages.success(request, _("Your changes are saved."))
            return redirect("learning:document_detail", document_id=document.pk)
    return render(request, "learning/document_edit.html", {"form": form, "document": document, "Status": Status})


@member_required
@require_GET
def document_download(request: AuthedRequest, document_id: str) -> FileResponse:
    document = selectors.get_document_for(request.user, document_id)
    handle = services.document_open(actor=request.user, document=document, request=request)
    response = FileResponse(
        handle, as_attachment=True, filename=document.original_name, content_type=document.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


@author_required
@require_POST
def document_submit(request: AuthedRequest, document_id: str) -> HttpResponse:
    document = selectors.get_document_for(request.user, document_id)
    if document.author_id != request.user.pk:
        raise PermissionDenied
    return act(
        request,
        lambda: services.document_submit(actor=request.user, document=document),
        _("Submitted for review. A coordinator will check it before it is shared."),
        "learning:document_detail",
        document_id=document.pk,
    )


@coordinator_required
@require_POST
def document_review(request: AuthedRequest, document_id: str) -> HttpResponse:
    document = selectors.get_document_for(request.user, document_id)
    if request.POST.get("decision") == "return":
        return act(
            request,
            lambda: services.document_return(actor=request.user, document=document),
            _("Sent back to the author as a draft."),
            "learning:document_detail",
            document_id=document.pk,
        )
    form = ChecklistForm(request.POST)
    if form.is_valid():
        try:
            services.document_publish(actor=request.user, document=document, checklist=form.cleaned_data["checklist"])
        except ValidationError as error:
            attach(form, error)
        else:
            messages.success(request, _("The document is shared with every member."))
            return redirect("learning:document_detail", document_id=document.pk)
    return render(request, "learning/document_detail.html", _context(request, document, form))


@admin_required
@require_POST
def document_archive(request: AuthedRequest, document_id: str) -> HttpResponse:
    document = selectors.get_document_for(request.user, document_id)
    return act(
        request,
        lambda: services.document_archive(actor=request.user, document=document),
        _("Archived: it is no longer in the library."),
        "learning:document_detail",
        document_id=document.pk,
    )
