"""Challenges and urgent needs: reported by members, moderated by coordinators."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.choices import Role
from accounts.http import AuthedRequest
from casework import selectors as case_selectors
from core.forms import attach_errors
from core.http import posted
from network import hooks, selectors, services
from network.forms import (
    ChallengeForm,
    ModerationForm,
    NeedForm,
)
from network.views._pages import (
    caseworker_only,
    chosen_period,
    coordinator_only,
    figures_status,
    members,
    render_page,
)

UNSERVED_SHOWN = 20  # the oldest of an organisation's high-risk cases without a service, by reference; then a count


# --- Challenges ------------------------------------------------------------------------------------------------


def _challenges_page(request: AuthedRequest, form: ChallengeForm) -> HttpResponse:
    state = selectors.refresh_state()  # one read for the period choices and the page's status
    period_form, period = chosen_period(request, marker=state.marker)
    approved = list(selectors.approved_challenges(period=period.code)[:100])
    origins = hooks.origins_of(request.user, [c.pk for c in approved])
    context = {
        "form": form,
        "period_form": period_form,
        "period": period,
        "approved": [(c, origins.get(c.pk, [])) for c in approved],
        "awaiting": selectors.challenges_awaiting(request.user),
        "own": selectors.own_challenges(request.user),
    }
    return render_page(request, "network/challenges.html", context, page=f"challenges:{period.code}", state=state)


@members
@require_GET
def challenges(request: AuthedRequest) -> HttpResponse:
    return _challenges_page(request, ChallengeForm())


@caseworker_only
@require_POST
def challenge_report(request: AuthedRequest) -> HttpResponse:
    form = ChallengeForm(request.POST)
    if form.is_valid():
        try:
            services.challenge_report(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("Thank you. A coordinator will review the challenge before it is shown."))
            return redirect("network:challenges")
    return _challenges_page(request, form)


@coordinator_only
@require_POST
def challenge_moderate(request: AuthedRequest, challenge_id: str) -> HttpResponse:
    challenge = selectors.get_challenge_for_moderation(request.user, challenge_id)
    form = ModerationForm(request.POST)
    if form.is_valid():
        services.challenge_moderate(
            actor=request.user,
            challenge=challenge,
            approve=form.cleaned_data["decision"] == "approve",
            reason=form.cleaned_data["reason"],
        )
        messages.success(request, _("The challenge is moderated."))
    else:
        messages.error(request, _("Choose approve or reject; a rejection needs a reason."))
    return redirect("network:challenges")


# --- Needs -----------------------------------------------------------------------------------------------------


def _needs_page(request: AuthedRequest) -> HttpResponse:
    organisation = request.user.organisation
    own_unserved = (
        case_selectors.high_risk_unserved(request.user, shown=UNSERVED_SHOWN)
        if organisation is not None and request.user.role == Role.CASEWORKER
        else []
    )
    state = selectors.refresh_state()
    context = {
        "signals": selectors.needs_signals(marker=state.marker),
        "open_needs": selectors.open_needs(),
        "awaiting": selectors.needs_awaiting(request.user),
        "own": selectors.own_needs(request.user),
        "offered": selectors.offered_by(request.user),
        "own_unserved": own_unserved,
        "own_unserved_references": [case["reference"] for case in own_unserved],
        "own_unserved_total": own_unserved[0]["total"] if own_unserved else 0,
    }
    return render_page(request, "network/needs.html", context, page="needs", state=state)


@members
@require_GET
def needs(request: AuthedRequest) -> HttpResponse:
    return _needs_page(request)


@caseworker_only
@require_http_methods(["GET", "POST"])
def need_post(request: AuthedRequest) -> HttpResponse:
    """The form on its own page: the needs page, read far more often, stays light."""
    form = NeedForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.need_post(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("Your need is posted. A coordinator will review it before it is shown."))
            return redirect("network:needs")
    return render(request, "network/need_form.html", {**figures_status(), "form": form})


@coordinator_only
@require_POST
def need_moderate(request: AuthedRequest, need_id: str) -> HttpResponse:
    need = selectors.get_need_for_moderation(request.user, need_id)
    form = ModerationForm(request.POST)
    if form.is_valid():
        services.need_moderate(
            actor=request.user,
            need=need,
            approve=form.cleaned_data["decision"] == "approve",
            reason=form.cleaned_data["reason"],
        )
        messages.success(request, _("The posted need is moderated."))
    else:
        messages.error(request, _("Choose approve or reject; a rejection needs a reason."))
    return redirect("network:needs")


@caseworker_only
@require_POST
def need_offer(request: AuthedRequest, need_id: str) -> HttpResponse:
    need = selectors.get_open_need(need_id)
    if request.user.organisation is None or need.organisation_id == request.user.organisation.pk:
        raise PermissionDenied
    try:
        services.need_offer(actor=request.user, need=need)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The organisation that posted the need is told that you can help."))
    return redirect("network:needs")
