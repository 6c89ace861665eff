"""Network pages: the national map, a province, challenges, urgent needs, capacity, performance, quarterly reports.

Every view of a page and every export is in the access log. No page links to a list of records.
"""

from __future__ import annotations

import csv
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.choices import Role
from accounts.http import AuthedRequest
from accounts.permissions import role_required
from audit.models import AccessLog
from casework import selectors as case_selectors
from core import pdf
from core.forms import attach_errors
from core.http import posted
from network import export, fragments, geo, hooks, selectors, services
from network.disclosure import Period
from network.forms import (
    CapacityForm,
    ChallengeForm,
    FreezeForm,
    MapForm,
    ModerationForm,
    NeedForm,
    PeriodForm,
)

members = role_required(Role.CASEWORKER, Role.COORDINATOR, Role.ADMIN)
caseworker_only = role_required(Role.CASEWORKER)
coordinator_only = role_required(Role.COORDINATOR)
admin_only = role_required(Role.ADMIN)
UNSERVED_SHOWN = 20  # the oldest of an organisation's high-risk cases without a service, by reference; then a count


def _status(state: selectors.RefreshState | None = None) -> dict[str, Any]:
    """What every network page shows of the figures: as of which refresh, whether one is running, and k."""
    state = selectors.refresh_state() if state is None else state
    return {"last_refresh": state.last, "refreshing": state.running, "k": selectors.rule().k}


def _page(
    request: AuthedRequest,
    template: str,
    context: dict[str, Any],
    *,
    page: str,
    state: selectors.RefreshState | None = None,
) -> HttpResponse:
    """``state``: the refresh state the page's figures were read under, when it read any (one read per page)."""
    services.record_view(actor=request.user, request=request, page=page)
    return render(request, template, {**_status(state), **context})


def _period(request: AuthedRequest, *, marker: str | None = None) -> tuple[PeriodForm, Period]:
    form = PeriodForm(request.GET or None, marker=marker)
    period = selectors.default_period()
    if form.is_bound and form.is_valid() and form.cleaned_data["period"]:
        period = Period.parse(form.cleaned_data["period"])
    return form, period


@members
@require_GET
def network_map(request: AuthedRequest) -> HttpResponse:
    state = selectors.refresh_state()
    marker = state.marker
    form = MapForm(request.GET or None, marker=marker)
    metric, category, period = "origin", "", selectors.default_period()
    if form.is_bound and form.is_valid():
        metric = form.cleaned_data["metric"] or "origin"
        category = form.cleaned_data["category"] if metric != "origin" else ""
        if form.cleaned_data["period"]:
            period = Period.parse(form.cleaned_data["period"])

    def figures() -> dict[str, Any]:
        view = selectors.map_view(metric, category, period, marker=marker)
        paths, rows = geo.markup(view, (marker, str(selectors.rule()), metric, category, period.code))
        return {
            "form": form,
            "map": view,
            "map_paths": paths,
            "map_rows": rows,
            "viewbox": geo.VIEWBOX,
            "metric_label": selectors.METRICS[metric],
            "category_label": dict(selectors.category_choices(metric)).get(category, ""),
        }

    body = fragments.body("network/_map_body.html", fragments.key(form, marker), figures)
    return _page(
        request,
        "network/map.html",
        {"body": body, "form": form},
        page=f"map:{metric}:{category}:{period.code}",
        state=state,
    )


@members
@require_GET
def province(request: AuthedRequest, code: str) -> HttpResponse:
    selectors.get_province(code)
    state = selectors.refresh_state()
    form, period = _period(request, marker=state.marker)
    view = selectors.province_view(code, period, marker=state.marker)  # its figures are kept per refresh
    key = fragments.key(form, state.marker, code, tuple(view["offered"]))
    body = fragments.body("network/_province_body.html", key, lambda: {"form": form, "period": period, **view})
    context = {"province": view["province"], "body": body, "form": form}
    return _page(request, "network/province.html", context, page=f"province:{code}:{period.code}", state=state)


@coordinator_only
@require_POST
def refresh(request: AuthedRequest) -> HttpResponse:
    services.refresh_request(actor=request.user)
    messages.info(request, _("The figures are being refreshed. This page shows when it is done."))
    return redirect("network:map")


@members
@require_GET
def refresh_status(request: AuthedRequest) -> HttpResponse:
    return render(request, "network/_refresh_status.html", _status())


# --- Challenges ------------------------------------------------------------------------------------------------


def _challenges_page(request: AuthedRequest, form: ChallengeForm) -> HttpResponse:
    state = selectors.refresh_state()  # one read for the period choices and the page's status
    period_form, period = _period(request, marker=state.marker)
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
    return _page(request, "network/challenges.html", context, page=f"challenges:{period.code}", state=state)


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
    return _page(request, "network/needs.html", context, page="needs", state=state)


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
    return render(request, "network/need_form.html", {**_status(), "form": form})


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


# --- Capacity and performance ----------------------------------------------------------------------------------


@members
@require_GET
def capacity(request: AuthedRequest) -> HttpResponse:
    organisation = request.user.organisation
    own = []
    if organisation is not None and request.user.role == Role.CASEWORKER:
        for row in selectors.capacity_of(organisation):
            level = row["status"].level if row["status"] else "available"
            form = CapacityForm(initial={"service": row["service"], "level": level}, auto_id=f"cap_{row['service']}_%s")
            own.append({**row, "form": form})
    context = {
        "bulletin": selectors.capacity_bulletin(),
        "own": own,
        "stale_days": settings.JEJARING_CAPACITY_STALE_DAYS,
    }
    return _page(request, "network/capacity.html", context, page="capacity")


@caseworker_only
@require_POST
def capacity_set(request: AuthedRequest) -> HttpResponse:
    form = CapacityForm(request.POST)
    if form.is_valid():
        try:
            services.capacity_set(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The capacity status is saved."))
    else:
        messages.error(request, _("Choose available, limited or full."))
    return redirect("network:capacity")


@members
@require_GET
def performance(request: AuthedRequest) -> HttpResponse:
    return _page(request, "network/performance.html", selectors.performance(request.user), page="performance")


# --- Quarterly reports -----------------------------------------------------------------------------------------


def _reports_page(request: AuthedRequest, form: FreezeForm) -> HttpResponse:
    context = {"form": form, "reports": selectors.reports(request.user)}
    return _page(request, "network/reports.html", context, page="reports")


@members
@require_GET
def reports(request: AuthedRequest) -> HttpResponse:
    return _reports_page(request, FreezeForm())


@coordinator_only
@require_POST
def report_freeze(request: AuthedRequest) -> HttpResponse:
    form = FreezeForm(request.POST)
    if form.is_valid():
        try:
            report = services.report_freeze(actor=request.user, period=form.cleaned_data["period"], request=request)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("The report for %(period)s is frozen.") % {"period": report.period})
            return redirect("network:report_detail", report_id=report.pk)
    return _reports_page(request, form)


@members
@require_GET
def report_detail(request: AuthedRequest, report_id: str) -> HttpResponse:
    report = selectors.get_report_for(request.user, report_id)
    context = {"report": report, "figures": selectors.report_figures(report)}
    return _page(request, "network/report_detail.html", context, page=f"report:{report.period}")


@members
@require_GET
def report_csv(request: AuthedRequest, report_id: str) -> HttpResponse:
    report = selectors.get_report_for(request.user, report_id)
    services.record_view(
        actor=request.user, request=request, page=f"report_csv:{report.period}", event=AccessLog.Event.REPORT_EXPORTED
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="jejaring-{report.period}.csv"'
    writer = csv.writer(response)
    writer.writerow(["period", "key", "label", "value", "k", "rounding", "content_sha256", "status"])
    for figure in selectors.report_figures(report):
        writer.writerow(
            [
                report.period,
                figure.key,
                figure.label,
                figure.value,
                report.k,
                report.rounding,
                report.content_hash,
                report.status,
            ]
        )
    return response


@members
@require_GET
def report_pdf(request: AuthedRequest, report_id: str) -> HttpResponse:
    """The printable page as a PDF (core/pdf.py): the same figures, in the reader's language, logged as an export."""
    report = selectors.get_report_for(request.user, report_id)
    services.record_view(
        actor=request.user, request=request, page=f"report_pdf:{report.period}", event=AccessLog.Event.REPORT_EXPORTED
    )
    context = {"report": report, "figures": selectors.report_figures(report)}
    content = pdf.render("network/report_pdf.html", context, request=request)
    return pdf.response(content, filename=f"jejaring-{report.reference.lower()}.pdf")


@admin_only
@require_POST
def report_release(request: AuthedRequest, report_id: str) -> HttpResponse:
    report = selectors.get_report_for(request.user, report_id)
    try:
        services.report_release(actor=request.user, report=report, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The report is released."))
    return redirect("network:report_detail", report_id=report.pk)


@coordinator_only
@require_GET
def htcds_export(request: AuthedRequest) -> HttpResponse:
    """The HTCDS-shaped, k-anonymised export of statistics-consented cases (for contributing to CTDC)."""
    services.record_view(actor=request.user, request=request, page="htcds_csv", event=AccessLog.Event.REPORT_EXPORTED)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="jejaring-htcds.csv"'
    writer = csv.writer(response)
    header, rows = export.htcds_rows(k=selectors.rule().k)
    writer.writerow(header)
    writer.writerows(rows)
    return response
