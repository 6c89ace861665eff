"""The pages of one case: summary, identity (masked, revealed one field at a time), history, who has access."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from accounts.choices import Role
from accounts.http import AuthedRequest
from accounts.permissions import role_required
from audit import access_log
from audit.models import AccessLog
from casework import limits, selectors, services, tabs
from casework.access_panel import who_has_access
from casework.history import case_history
from casework.models import Case, Section
from casework.views.lists import caseworker_only, limit_message


def _case_page(request: AuthedRequest, case: Case, tab: str, template: str, **context: Any) -> HttpResponse:
    services.case_view_record(actor=request.user, case=case, request=request, tab=tab)
    return render(request, template, {**tabs.page_context(case, tab), **context})


@caseworker_only
@require_GET
def case_detail(request: AuthedRequest, case_id: str) -> HttpResponse:
    case = selectors.get_case_for(request.user, case_id, request=request)
    return _case_page(
        request,
        case,
        "summary",
        "casework/case_summary.html",
        consents=selectors.case_consents(case, recorders=False) if case.access.full else [],
        due=selectors.follow_up_due(case),
        sensitive=selectors.case_sensitive(case),
    )


@caseworker_only
@require_GET
def case_identity(request: AuthedRequest, case_id: str) -> HttpResponse:
    case = selectors.get_case_for(request.user, case_id, request=request)
    if not (case.access.can_see(Section.IDENTITY) or case.access.can_see(Section.CONTACT)):
        return redirect("casework:case_detail", case_id=case.pk)
    return _case_page(
        request, case, "identity", "casework/case_identity.html", sensitive=selectors.case_sensitive(case)
    )


@caseworker_only
@require_POST
def case_reveal(request: AuthedRequest, case_id: str, field: str) -> HttpResponse:
    case = selectors.get_case_for(request.user, case_id, request=request)
    if field not in services.REVEALABLE or not case.access.can_see(services.REVEALABLE[field]):
        raise Http404
    if not limits.lookup_allowed(request.user, limits.IDENTITY_REVEAL, request=request):
        refused = limit_message(limits.IDENTITY_REVEAL)
        if request.htmx:
            return render(request, "casework/_revealed.html", {"refused": refused, "field": field}, status=429)
        response = _case_page(
            request,
            case,
            "identity",
            "casework/case_identity.html",
            sensitive=selectors.case_sensitive(case),
            revealed_field=field,
            refused=refused,
        )
        response.status_code = 429
        return response
    value = services.case_field_reveal(actor=request.user, case=case, field=field, request=request)
    if isinstance(value, list):
        value = ", ".join(value)
    if request.htmx:
        return render(request, "casework/_revealed.html", {"value": value, "field": field})
    return _case_page(
        request,
        case,
        "identity",
        "casework/case_identity.html",
        sensitive=selectors.case_sensitive(case),
        revealed_field=field,
        revealed_value=value,
    )


@caseworker_only
@require_GET
def case_history_view(request: AuthedRequest, case_id: str) -> HttpResponse:
    case = selectors.get_case_for(request.user, case_id, request=request)
    return _case_page(
        request, case, "history", "casework/case_history.html", entries=case_history(case, viewer_access=case.access)
    )


@caseworker_only
@require_GET
def case_access(request: AuthedRequest, case_id: str) -> HttpResponse:
    """Who can see this case and why: for the owner organisation."""
    case = selectors.get_case_for(request.user, case_id, "change", request=request)
    return _case_page(request, case, "access", "casework/case_access.html", grants=who_has_access(case))


@role_required(Role.ADMIN)
@require_GET
def case_access_admin(request: AuthedRequest, case_id: str) -> HttpResponse:
    """The same panel for admins: the case's reference and its grants, nothing of its contents."""
    case = selectors.case_for_admin(case_id)
    access_log.record_for(
        AccessLog.Event.CASE_VIEWED, actor=request.user, obj=case, request=request, detail="access-panel"
    )
    return render(request, "casework/case_access_admin.html", {"case": case, "grants": who_has_access(case)})
