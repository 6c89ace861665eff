"""The good-practice library: list, search and filters, writing, review, marks, comments, topics followed, and
case studies written from a case."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.choices import Role
from accounts.http import AuthedRequest
from accounts.permissions import role_required
from casework import selectors as case_selectors
from casework.choices import ConsentKind
from core.http import posted
from learning import selectors, services
from learning.choices import Status
from learning.forms import ChecklistForm, CommentForm, LibraryFilterForm, PracticeForm, TopicsForm
from learning.markdown import render as markdown
from learning.models import Practice
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
def library(request: AuthedRequest) -> HttpResponse:
    organisations = selectors.library_organisations()
    form = LibraryFilterForm(request.GET, organisations=organisations)
    filters = selectors.LibraryFilters()
    if form.is_valid():
        filters = selectors.LibraryFilters(**form.cleaned_data)
    found = selectors.library(request.user, filters, cursor_of(request))
    query = request.GET.copy()
    query.pop("after", None)
    context = {
        "form": form,
        **found,
        "filters": filters,
        "query": query.urlencode(),
        "own": selectors.own_unpublished(request.user),
        "may_write": request.user.role in selectors.AUTHOR_ROLES,
    }
    return render(request, "learning/library.html", context)


@author_required
@require_http_methods(["GET", "POST"])
def practice_create(request: AuthedRequest) -> HttpResponse:
    form = PracticeForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            practice = services.practice_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            attach(form, error)
        else:
            messages.success(request, _("Your draft is saved. Submit it for review when it is ready."))
            return redirect("learning:practice_detail", practice_id=practice.pk)
    return render(request, "learning/practice_form.html", {"form": form})


def _detail_context(request: AuthedRequest, practice: Practice, **forms: Any) -> dict[str, Any]:
    user = request.user
    return {
        "practice": practice,
        "body_html": markdown(practice.body),
        "comments": [(c, markdown(c.body)) for c in selectors.comments_of(user, practice)],
        "marked": selectors.has_marked(user, practice),
        "events": selectors.events_of_practice(user, practice),
        "is_author": practice.author_id == user.pk,
        "is_coordinator": user.role == Role.COORDINATOR,
        "is_admin": user.role == Role.ADMIN,
        "needs_signoff": practice.is_case_study and practice.deidentified_by_id is None,
        "comment_form": forms.get("comment_form") or CommentForm(),
        "checklist_form": forms.get("checklist_form") or ChecklistForm(),
        "Status": Status,
    }


@member_required
@require_GET
def practice_detail(request: AuthedRequest, practice_id: str) -> HttpResponse:
    practice = selectors.get_practice_for(request.user, practice_id)
    return render(request, "learning/practice_detail.html", _detail_context(request, practice))


@author_required
@require_http_methods(["GET", "POST"])
def practice_edit(request: AuthedRequest, practice_id: str) -> HttpResponse:
    practice = selectors.get_practice_for(request.user, practice_id)
    if practice.author_id != request.user.pk:
        raise PermissionDenied
    form = PracticeForm(posted(request), initial=PracticeForm.initial_from(practice))
    if request.method == "POST" and form.is_valid():
        try:
            services.practice_update(actor=request.user, practice=practice, **form.cleaned_data)
        except ValidationError as error:
            attach(form, error)
        else:
            messages.success(request, _("Your changes are saved."))
            return redirect("learning:practice_detail", practice_id=practice.pk)
    return render(request, "learning/practice_form.html", {"form": form, "practice": practice})


@author_required
@require_POST
def practice_submit(request: AuthedRequest, practice_id: str) -> HttpResponse:
    practice = selectors.get_practice_for(request.user, practice_id)
    return act(
        request,
        lambda: services.practice_submit(actor=request.user, practice=practice),
        _("Submitted for review. A coordinator will check it before it is published."),
        "learning:practice_detail",
        practice_id=practice.pk,
    )


@coordinator_required
@require_POST
def practice_review(request: AuthedRequest, practice_id: str) -> HttpResponse:
    """Publish with the checklist ticked, or send back to the author (``decision=return``)."""
    practice = selectors.get_practice_for(request.user, practice_id)
    if request.POST.get("decision") == "return":
        return act(
            request,
            lambda: services.practice_return(actor=request.user, practice=practice),
            _("Sent back to the author as a draft."),
            "learning:practice_detail",
            practice_id=practice.pk,
        )
    form = ChecklistForm(request.POST)
    if form.is_valid():
        try:
            services.practice_publish(actor=request.user, practice=practice, checklist=form.cleaned_data["checklist"])
        except ValidationError as error:
            attach(form, error)
        else:
            messages.success(request, _("Published in the library."))
            return redirect("learning:practice_detail", practice_id=practice.pk)
    context = _detail_context(request, practice, checklist_form=form)
    return render(request, "learning/practice_detail.html", context)


@coordinator_required
@require_POST
def practice_pin(request: AuthedRequest, practice_id: str) -> HttpResponse:
    practice = selectors.get_practice_for(request.user, practice_id)
    pinned = not practice.pinned
    return act(
        request,
        lambda: services.practice_pin(actor=request.user, practice=practice, pinned=pinned),
        _("Pinned to the top of the library.") if pinned else _("No longer pinned."),
        "learning:practice_detail",
        practice_id=practice.pk,
    )


@admin_required
@require_POST
def practice_archive(request: AuthedRequest, practice_id: str) -> HttpResponse:
    practice = selectors.get_practice_for(request.user, practice_id)
    return act(
        request,
        lambda: services.practice_archive(actor=request.user, practice=practice),
        _("Archived: it is no longer in the library."),
        "learning:practice_detail",
        practice_id=practice.pk,
    )


@author_required
@require_POST
def practice_signoff(request: AuthedRequest, practice_id: str) -> HttpResponse:
    practice = selectors.get_practice_for(request.user, practice_id)
    return act(
        request,
        lambda: services.practice_signoff(actor=request.user, practice=practice),
        _("You signed off the de-identification of this case study."),
        "learning:practice_detail",
        practice_id=practice.pk,
    )


@member_required
@require_POST
def practice_helpful(request: AuthedRequest, practice_id: str) -> HttpResponse:
    practice = selectors.get_practice_for(request.user, practice_id)
    try:
        marked = services.helpful_toggle(actor=request.user, practice=practice)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Thank you: marked as helpful.") if marked else _("Your mark is taken back."))
    return redirect("learning:practice_detail", practice_id=practice.pk)


@member_required
@require_POST
def practice_comment(request: AuthedRequest, practice_id: str) -> HttpResponse:
    practice = selectors.get_practice_for(request.user, practice_id)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.comment_add(actor=request.user, practice=practice, body=form.cleaned_data["body"])
        except ValidationError as error:
            attach(form, error)
        else:
            messages.success(request, _("Your comment is added."))
            return redirect("learning:practice_detail", practice_id=practice.pk)
    return render(request, "learning/practice_detail.html", _detail_context(request, practice, comment_form=form))


@coordinator_required
@require_POST
def comment_hide(request: AuthedRequest, comment_id: str) -> HttpResponse:
    comment = selectors.get_comment_for(request.user, comment_id)
    hidden = not comment.hidden
    return act(
        request,
        lambda: services.comment_hide(actor=request.user, comment=comment, hidden=hidden),
        _("The comment is hidden.") if hidden else _("The comment is shown again."),
        "learning:practice_detail",
        practice_id=comment.practice_id,
    )


@member_required
@require_http_methods(["GET", "POST"])
def topics(request: AuthedRequest) -> HttpResponse:
    form = TopicsForm(posted(request), initial={"topics": sorted(selectors.followed_topics(request.user))})
    if request.method == "POST" and form.is_valid():
        services.topics_follow(actor=request.user, topics=form.cleaned_data["topics"])
        messages.success(request, _("Your topics are saved."))
        return redirect("learning:topics")
    return render(request, "learning/topics.html", {"form": form})


@coordinator_required
@require_GET
def review_queue(request: AuthedRequest) -> HttpResponse:
    return render(request, "learning/review_queue.html", selectors.review_queue(request.user))


@role_required(Role.CASEWORKER)
@require_http_methods(["GET", "POST"])
def case_study_create(request: AuthedRequest, case_id: str) -> HttpResponse:
    """Write an anonymised case study from a case the user works on: only with the person's consent to learning
    use. Readers of the library never learn which case it came from."""
    case = case_selectors.get_case_for(request.user, case_id, "change", request=request)
    consent = case_selectors.active_consent(case, ConsentKind.LEARNING)
    form = PracticeForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            practice = services.case_study_create(actor=request.user, case=case, **form.cleaned_data)
        except ValidationError as error:
            attach(form, error)
        else:
            messages.success(
                request, _("Your case study is saved as a draft. A colleague must sign off its de-identification.")
            )
            return redirect("learning:practice_detail", practice_id=practice.pk)
    return render(request, "learning/case_study_form.html", {"form": form, "case": case, "consent": consent})
