"""Policy recommendations: drafting, evidence, endorsements, submission, the answer and the outcome, and the
printable brief."""

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
from core import pdf
from core.http import posted
from learning import selectors, services
from learning.choices import OUTCOMES, RecommendationStatus
from learning.forms import (
    AnswerForm,
    ChallengeEvidenceForm,
    FigureEvidenceForm,
    OutcomeForm,
    PracticeEvidenceForm,
    RecommendationFilterForm,
    RecommendationForm,
    SubmitForm,
)
from learning.markdown import render as markdown
from learning.models import Recommendation
from learning.views._common import act, attach, author_required, coordinator_required, member_required

S = RecommendationStatus
# Each form of the detail page, under its name; element ids are prefixed with it, so that labels stay tied.
FORMS = {"submit": SubmitForm, "answer": AnswerForm, "outcome": OutcomeForm}


@member_required
@require_GET
def recommendations(request: AuthedRequest) -> HttpResponse:
    form = RecommendationFilterForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    rows = selectors.recommendation_list(
        request.user, status=data.get("status", ""), institution=data.get("institution", "")
    )
    context = {"form": form, "recommendations": rows, "may_write": request.user.role in selectors.AUTHOR_ROLES}
    return render(request, "learning/recommendations.html", context)


@author_required
@require_http_methods(["GET", "POST"])
def recommendation_create(request: AuthedRequest) -> HttpResponse:
    form = RecommendationForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            recommendation = services.recommendation_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            attach(form, error)
        else:
            messages.success(request, _("Your draft recommendation is saved. Add its evidence, then open it."))
            return redirect("learning:recommendation_detail", recommendation_id=recommendation.pk)
    return render(request, "learning/recommendation_form.html", {"form": form})


def _context(request: AuthedRequest, recommendation: Recommendation, **bound: Any) -> dict[str, Any]:
    user = request.user
    steer = selectors.may_steer(user, recommendation)
    context = {
        "recommendation": recommendation,
        "problem_html": markdown(recommendation.problem),
        "recommendation_html": markdown(recommendation.recommendation),
        "evidence": selectors.evidence_of(user, recommendation),
        "endorsements": selectors.endorsements_of(recommendation),
        "endorsed": selectors.has_endorsed(user, recommendation),
        "events": selectors.events_of_recommendation(user, recommendation),
        "is_author": user.pk == recommendation.author_id,
        "may_steer": steer,
        "may_cite": steer and recommendation.status in (S.DRAFT, S.OPEN),
        "may_endorse": user.role in selectors.AUTHOR_ROLES and recommendation.status == S.OPEN,
        "is_coordinator": user.role == Role.COORDINATOR,
        "S": S,
        "is_outcome": recommendation.status in OUTCOMES,
        "evidence_form": bound.get("evidence")
        or PracticeEvidenceForm(practices=selectors.citable_practices(user), auto_id="evidence_%s"),
    }
    if context["may_cite"]:
        context["figure_form"] = bound.get("figure") or FigureEvidenceForm(
            figures=selectors.citable_figures(user), auto_id="figure_%s"
        )
        context["challenge_form"] = bound.get("challenge") or ChallengeEvidenceForm(
            challenges=selectors.citable_challenges(user), auto_id="challenge_%s"
        )
    for name, form_class in FORMS.items():
        context[f"{name}_form"] = bound.get(name) or form_class(auto_id=f"{name}_%s")
    return context


@member_required
@require_GET
def recommendation_detail(request: AuthedRequest, recommendation_id: str) -> HttpResponse:
    recommendation = selectors.get_recommendation_for(request.user, recommendation_id)
    return render(request, "learning/recommendation_detail.html", _context(request, recommendation))


@author_required
@require_http_methods(["GET", "POST"])
def recommendation_edit(request: AuthedRequest, recommendation_id: str) -> HttpResponse:
    recommendation = selectors.get_recommendation_for(request.user, recommendation_id)
    if recommendation.author_id != request.user.pk:
        raise PermissionDenied
    initial = {name: getattr(recommendation, name) for name in RecommendationForm.base_fields}
    form = RecommendationForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.recommendation_update(actor=request.user, recommendation=recommendation, **form.cleaned_data)
        except ValidationError as error:
            attach(form, error)
        else:
            messages.success(request, _("Your changes are saved."))
            return redirect("learning:recommendation_detail", recommendation_id=recommendation.pk)
    return render(request, "learning/recommendation_form.html", {"form": form, "recommendation": recommendation})


def _done(request: AuthedRequest, recommendation: Recommendation, action: Any, message: str) -> HttpResponse:
    return act(request, action, message, "learning:recommendation_detail", recommendation_id=recommendation.pk)


@author_required
@require_POST
def recommendation_open(request: AuthedRequest, recommendation_id: str) -> HttpResponse:
    recommendation = selectors.get_recommendation_for(request.user, recommendation_id)
    return _done(
        request,
        recommendation,
        lambda: services.recommendation_open(actor=request.user, recommendation=recommendation),
        _("The recommendation is open for endorsement by member organisations."),
    )


@author_required
@require_POST
def recommendation_endorse(request: AuthedRequest, recommendation_id: str) -> HttpResponse:
    recommendation = selectors.get_recommendation_for(request.user, recommendation_id)
    return _done(
        request,
        recommendation,
        lambda: services.recommendation_endorse(actor=request.user, recommendation=recommendation),
        _("Your organisation endorses this recommendation."),
    )


def _with_form(request: AuthedRequest, recommendation_id: str, name: str, run: Any, done: str) -> HttpResponse:
    recommendation = selectors.get_recommendation_for(request.user, recommendation_id)
    form = FORMS[name](request.POST, auto_id=f"{name}_%s")
    if form.is_valid():
        try:
            run(recommendation, form.cleaned_data)
        except ValidationError as error:
            attach(form, error)
        else:
            messages.success(request, done)
            return redirect("learning:recommendation_detail", recommendation_id=recommendation.pk)
    context = _context(request, recommendation, **{name: form})
    return render(request, "learning/recommendation_detail.html", context)


@coordinator_required
@require_POST
def recommendation_submit(request: AuthedRequest, recommendation_id: str) -> HttpResponse:
    return _with_form(
        request,
        recommendation_id,
        "submit",
        lambda r, data: services.recommendation_submit(actor=request.user, recommendation=r, **data),
        _("The submission is recorded."),
    )


@coordinator_required
@require_POST
def recommendation_answer(request: AuthedRequest, recommendation_id: str) -> HttpResponse:
    return _with_form(
        request,
        recommendation_id,
        "answer",
        lambda r, data: services.recommendation_answer(actor=request.user, recommendation=r, **data),
        _("The answer is recorded."),
    )


@coordinator_required
@require_POST
def recommendation_outcome(request: AuthedRequest, recommendation_id: str) -> HttpResponse:
    return _with_form(
        request,
        recommendation_id,
        "outcome",
        lambda r, data: services.recommendation_decide(actor=request.user, recommendation=r, **data),
        _("The outcome is recorded."),
    )


@author_required
@require_POST
def evidence_add(request: AuthedRequest, recommendation_id: str) -> HttpResponse:
    recommendation = selectors.get_recommendation_for(request.user, recommendation_id)
    if not selectors.may_steer(request.user, recommendation):
        raise PermissionDenied
    user, source = request.user, request.POST.get("source", "practice")
    form: Any
    if source == "figure":
        form = FigureEvidenceForm(request.POST, figures=selectors.citable_figures(user), auto_id="figure_%s")
    elif source == "challenge":
        challenges = selectors.citable_challenges(user)
        form = ChallengeEvidenceForm(request.POST, challenges=challenges, auto_id="challenge_%s")
    else:
        source = "evidence"
        form = PracticeEvidenceForm(request.POST, practices=selectors.citable_practices(user), auto_id="evidence_%s")
    if form.is_valid():
        try:
            if source == "figure":
                report_id, _sep, key = form.cleaned_data["figure"].partition("|")
                report = selectors.report_for_citing(user, report_id)
                services.evidence_add_figure(actor=user, recommendation=recommendation, report=report, key=key)
            elif source == "challenge":
                challenge = form.cleaned_data["challenge"]
                services.evidence_add_challenge(actor=user, recommendation=recommendation, challenge=challenge)
            else:
                practice = form.cleaned_data["practice"]
                services.evidence_add_practice(actor=user, recommendation=recommendation, practice=practice)
        except ValidationError as error:
            attach(form, error)
        else:
            messages.success(request, _("The evidence is cited."))
            return redirect("learning:recommendation_detail", recommendation_id=recommendation.pk)
    context = _context(request, recommendation, **{source: form})
    return render(request, "learning/recommendation_detail.html", context)


@author_required
@require_POST
def evidence_remove(request: AuthedRequest, recommendation_id: str, evidence_id: str) -> HttpResponse:
    recommendation = selectors.get_recommendation_for(request.user, recommendation_id)
    evidence = selectors.get_evidence_for(request.user, recommendation, evidence_id)
    return _done(
        request,
        recommendation,
        lambda: services.evidence_remove(actor=request.user, evidence=evidence),
        _("The evidence is removed."),
    )


@member_required
@require_GET
def recommendation_brief(request: AuthedRequest, recommendation_id: str) -> HttpResponse:
    """The brief to print (or save as PDF from the browser): logged as an export each time it is opened."""
    recommendation = selectors.get_recommendation_for(request.user, recommendation_id)
    services.brief_export(actor=request.user, recommendation=recommendation, request=request)
    return render(request, "learning/recommendation_brief.html", _context(request, recommendation))


@member_required
@require_GET
def recommendation_brief_pdf(request: AuthedRequest, recommendation_id: str) -> HttpResponse:
    """The same brief as a PDF (core/pdf.py), in the reader's language: logged like the printable brief."""
    recommendation = selectors.get_recommendation_for(request.user, recommendation_id)
    services.brief_export(actor=request.user, recommendation=recommendation, request=request)
    content = pdf.render("learning/recommendation_pdf.html", _context(request, recommendation), request=request)
    return pdf.response(content, filename=f"jejaring-{recommendation.reference.lower()}.pdf")
