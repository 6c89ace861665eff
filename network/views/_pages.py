"""What every network page shares: who may see it, the figures' status, the access-log entry of a view."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import render

from accounts.choices import Role
from accounts.http import AuthedRequest
from accounts.permissions import role_required
from network import selectors, services
from network.disclosure import Period
from network.forms import (
    PeriodForm,
)

members = role_required(Role.CASEWORKER, Role.COORDINATOR, Role.ADMIN)
caseworker_only = role_required(Role.CASEWORKER)
coordinator_only = role_required(Role.COORDINATOR)
admin_only = role_required(Role.ADMIN)


def figures_status(state: selectors.RefreshState | None = None) -> dict[str, Any]:
    """What every network page shows of the figures: as of which refresh, whether one is running, and k."""
    state = selectors.refresh_state() if state is None else state
    return {"last_refresh": state.last, "refreshing": state.running, "k": selectors.rule().k}


def render_page(
    request: AuthedRequest,
    template: str,
    context: dict[str, Any],
    *,
    page: str,
    state: selectors.RefreshState | None = None,
) -> HttpResponse:
    """``state``: the refresh state the page's figures were read under, when it read any (one read per page)."""
    services.record_view(actor=request.user, request=request, page=page)
    return render(request, template, {**figures_status(state), **context})


def chosen_period(request: AuthedRequest, *, marker: str | None = None) -> tuple[PeriodForm, Period]:
    form = PeriodForm(request.GET or None, marker=marker)
    period = selectors.default_period()
    if form.is_bound and form.is_valid() and form.cleaned_data["period"]:
        period = Period.parse(form.cleaned_data["period"])
    return form, period
