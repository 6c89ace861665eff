"""A case as one printable page: the summary and every tab the user may see, with the print stylesheet (no
navigation, buttons or language switcher; the reference and "CONFIDENTIAL / RAHASIA" on every page). Opening it is
logged."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.http import AuthedRequest
from casework import selectors, services, tabs
from casework.history import case_history
from casework.views.lists import caseworker_only


@caseworker_only
@require_GET
def case_print(request: AuthedRequest, case_id: str) -> HttpResponse:
    case = selectors.get_case_for(request.user, case_id, request=request)
    services.case_print_record(actor=request.user, case=case, request=request)
    granted = case.access
    context = {
        **tabs.page_context(case, "print"),
        "sensitive": selectors.case_sensitive(case),
        "notes": selectors.case_notes(case),
        "services_given": selectors.case_services(case, viewer=request.user),
        "consents": selectors.case_consents(case) if granted.full else [],
        "attachments": selectors.case_attachments(case) if selectors.attachment_sections(case) else [],
        "entries": case_history(case, viewer_access=granted) if granted.full else [],
    }
    return render(request, "casework/case_print.html", context)
