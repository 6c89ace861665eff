"""The national map, a province, the refresh of the figures, capacity and performance."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.choices import Role
from accounts.http import AuthedRequest
from network import fragments, geo, selectors, services
from network.disclosure import Period
from network.forms import (
    CapacityForm,
    MapForm,
)
from network.views._pages import (
    caseworker_only,
    chosen_period,
    coordinator_only,
    figures_status,
    members,
    render_page,
)


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
    return render_page(
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
    form, period = chosen_period(request, marker=state.marker)
    view = selectors.province_view(code, period, marker=state.marker)  # its figures are kept per refresh
    key = fragments.key(form, state.marker, code, tuple(view["offered"]))
    body = fragments.body("network/_province_body.html", key, lambda: {"form": form, "period": period, **view})
    context = {"province": view["province"], "body": body, "form": form}
    return render_page(request, "network/province.html", context, page=f"province:{code}:{period.code}", state=state)


@coordinator_only
@require_POST
def refresh(request: AuthedRequest) -> HttpResponse:
    services.refresh_request(actor=request.user)
    messages.info(request, _("The figures are being refreshed. This page shows when it is done."))
    return redirect("network:map")


@members
@require_GET
def refresh_status(request: AuthedRequest) -> HttpResponse:
    return render(request, "network/_refresh_status.html", figures_status())


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
    return render_page(request, "network/capacity.html", context, page="capacity")


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
    return render_page(request, "network/performance.html", selectors.performance(request.user), page="performance")
