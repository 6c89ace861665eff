"""The case list: filters, keyset pages, posted searches and the CSV export."""

from __future__ import annotations

import csv
import secrets
from typing import Any

from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.choices import Role
from accounts.http import AuthedRequest
from accounts.permissions import role_required
from audit import access_log
from audit.models import AccessLog
from casework import limits, selectors
from casework.choices import CaseStatus, RiskLevel
from casework.forms import (
    SearchForm,
)

caseworker_only = role_required(Role.CASEWORKER)


SEARCH_SESSION_KEY = "jj_case_searches"


MAX_SAVED_SEARCHES = 5


def limit_message(kind: str) -> str:
    what = {
        limits.DUPLICATE_CHECK: _("duplicate checks"),
        limits.IDENTITY_SEARCH: _("searches"),
        limits.IDENTITY_REVEAL: _("identity fields shown"),
    }[kind]
    return _(
        "You have reached the limit of %(count)s %(what)s an hour. Try again later; if your work needs more, ask an "
        "admin. The attempt was logged."
    ) % {"count": limits.per_hour(kind), "what": what}


def _filters(request: AuthedRequest) -> selectors.CaseFilters:
    status = request.GET.get("status", "")
    risk = request.GET.get("risk", "")
    filters = selectors.CaseFilters(
        status=status if status in CaseStatus.values else "",
        risk_level=risk if risk in RiskLevel.values else "",
        mine=request.GET.get("mine") == "1",
        follow_up_due=request.GET.get("due") == "1",
        follow_up=request.GET.get("due", "") if request.GET.get("due") in ("today", "overdue") else "",
        open_only=request.GET.get("open") == "1",
        restricted=request.GET.get("restricted") == "1",
    )
    token = request.GET.get("s", "")
    if token:
        saved = request.session.get(SEARCH_SESSION_KEY, {}).get(token)
        filters.search_ids = [*saved] if saved is not None else []
    return filters


@caseworker_only
@require_GET
def case_list(request: AuthedRequest) -> HttpResponse:
    return _case_list(request, SearchForm())


def _case_list(request: AuthedRequest, search_form: SearchForm) -> HttpResponse:
    filters = _filters(request)
    page = selectors.case_list_page(request.user, filters, request.GET.get("after", ""))
    query = request.GET.copy()
    query.pop("after", None)
    context = {
        "page": page,
        "filters": filters,
        "statuses": CaseStatus.choices,
        "risks": RiskLevel.choices,
        "query": query.urlencode(),
        "search_form": search_form,
        "searching": filters.search_ids is not None,
        "today": timezone.localdate(),
    }
    template = "casework/_case_rows.html" if request.htmx and request.GET.get("after") else "casework/case_list.html"
    return render(request, template, context)


@caseworker_only
@require_POST
def case_search(request: AuthedRequest) -> HttpResponse:
    """Searches are posted, so that what was typed (a name, a NIK) never appears in a URL, a browser history or a
    server log. The matching case ids are kept in the session under a random token."""
    form = SearchForm(request.POST)
    if not form.is_valid():
        # The list again, with the reason beside the box and what was typed still in it (in this page only).
        return _case_list(request, form)
    if not limits.lookup_allowed(request.user, limits.IDENTITY_SEARCH, request=request):
        form.add_error("q", limit_message(limits.IDENTITY_SEARCH))
        response = _case_list(request, form)
        response.status_code = 429
        return response
    ids = selectors.search_case_ids(request.user, form.cleaned_data["q"], request=request)
    saved = request.session.get(SEARCH_SESSION_KEY, {})
    token = secrets.token_urlsafe(8)
    saved[token] = [str(pk) for pk in ids]
    while len(saved) > MAX_SAVED_SEARCHES:
        saved.pop(next(iter(saved)))
    request.session[SEARCH_SESSION_KEY] = saved
    if len(ids) == 1:
        return redirect("casework:case_detail", case_id=ids[0])
    return redirect(reverse("casework:case_list") + f"?s={token}")


@caseworker_only
@require_GET
def case_export(request: AuthedRequest) -> StreamingHttpResponse:
    """The filtered list as CSV: non-identifying fields only. Every export is logged."""
    cases = selectors.filtered_cases(request.user, _filters(request))
    access_log.record(AccessLog.Event.EXPORTED, actor=request.user, request=request, detail="cases.csv")

    def rows() -> Any:
        class Echo:
            def write(self, value: str) -> str:
                return value

        writer = csv.writer(Echo())
        yield writer.writerow(
            [
                _("Reference"),
                _("Status"),
                _("Risk level"),
                _("Gender"),
                _("Age band"),
                _("Province of origin"),
                _("Types of exploitation"),
                _("Next follow-up"),
                _("Opened"),
            ]
        )
        for case in cases.iterator(chunk_size=500):
            yield writer.writerow(
                [
                    case.reference,
                    case.get_status_display(),
                    case.get_risk_level_display(),
                    case.get_gender_display(),
                    case.get_age_band_display(),
                    case.get_origin_province_display(),
                    "; ".join(case.exploitation_labels()),
                    case.next_follow_up or "",
                    timezone.localtime(case.created_at).date(),
                ]
            )

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="jejaring-cases.csv"'
    return response
