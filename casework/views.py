"""Case pages. Thin: parse the request, go through the gate (selectors) or a service, render."""

from __future__ import annotations

import csv
import secrets
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import audit
from accounts.choices import Role
from accounts.http import AuthedRequest
from accounts.models import AccessLog
from accounts.permissions import role_required
from accounts.views import posted
from casework import hooks, selectors, services
from casework.choices import CaseStatus, RiskLevel
from casework.forms import (
    CaseForm,
    CloseForm,
    ConsentForm,
    DuplicateCheckForm,
    NoteForm,
    RestrictionForm,
    SearchForm,
    ServiceForm,
    VersionForm,
    initial_from_case,
    regency_choices,
)
from casework.history import case_history
from casework.models import Case, Consent, Section

caseworker_only = role_required(Role.CASEWORKER)
SEARCH_SESSION_KEY = "jj_case_searches"
MAX_SAVED_SEARCHES = 5


def _filters(request: AuthedRequest) -> selectors.CaseFilters:
    status = request.GET.get("status", "")
    risk = request.GET.get("risk", "")
    filters = selectors.CaseFilters(
        status=status if status in CaseStatus.values else "",
        risk_level=risk if risk in RiskLevel.values else "",
        mine=request.GET.get("mine") == "1",
        follow_up_due=request.GET.get("due") == "1",
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
    page = selectors.keyset_page(selectors.filtered_cases(request.user, filters), request.GET.get("after", ""))
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
    audit.record(AccessLog.Event.EXPORTED, actor=request.user, request=request, detail="cases.csv")

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


@caseworker_only
@require_http_methods(["GET", "POST"])
def case_create(request: AuthedRequest) -> HttpResponse:
    organisation = request.user.organisation
    assert organisation is not None  # caseworker_only: an active membership
    form = CaseForm(posted(request), organisation=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            case = services.case_open(
                actor=request.user,
                summary=form.summary(),
                identity=form.identity(),
                contact=form.contact(),
                narrative=form.cleaned_data.get("narrative", ""),
                needs=form.cleaned_data.get("needs", ""),
                consents=form.consents(),
                is_restricted=form.cleaned_data.get("is_restricted", False),
                named_users=form.cleaned_data.get("named_users", []),
            )
        except ValidationError as error:
            _attach(form, error)
        else:
            matches = selectors.duplicate_matches(
                request.user,
                nik=form.identity()["nik"],
                passport=form.identity()["passport"],
                phones=form.contact()["phones"],
                exclude=case,
                request=request,
            )
            if matches:
                names = ", ".join(match.organisation.name for match in matches)
                messages.warning(
                    request,
                    _("A case with the same identity number or phone is also held by: %(organisations)s.")
                    % {"organisations": names},
                )
            messages.success(request, _("Case %(reference)s is open.") % {"reference": case.reference})
            return redirect("casework:case_detail", case_id=case.pk)
    return render(request, "casework/case_form.html", {"form": form, "intake": True})


def _attach(form: Any, error: ValidationError) -> None:
    """Show a service's validation error beside its field when it names one the form has."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


@caseworker_only
@require_POST
def duplicate_check(request: AuthedRequest) -> HttpResponse:
    """htmx, while the intake form is filled in: which organisations already hold a case with these identifiers."""
    form = DuplicateCheckForm(request.POST)
    matches = (
        selectors.duplicate_matches(request.user, request=request, **form.identifiers()) if form.is_valid() else []
    )
    return render(request, "casework/_duplicates.html", {"matches": matches})


@caseworker_only
@require_GET
def regency_options(request: AuthedRequest) -> HttpResponse:
    return render(
        request, "casework/_regency_options.html", {"choices": regency_choices(request.GET.get("origin_province"))}
    )


def case_tabs(case: Case) -> list[dict[str, str]]:
    """Tabs other apps add to a case's pages (referrals), for those whose access allows them."""
    return [
        {"label": str(label), "url": reverse(url_name, args=[case.pk]), "key": key}
        for label, url_name, key, allowed in hooks.case_tabs
        if allowed(case.access)
    ]


def case_actions(case: Case) -> list[dict[str, str]]:
    return [
        {"label": str(label), "url": reverse(url_name, args=[case.pk])}
        for label, url_name, allowed in hooks.case_actions
        if allowed(case)
    ]


def _case_page(request: AuthedRequest, case: Case, tab: str, template: str, **context: Any) -> HttpResponse:
    services.case_view_record(actor=request.user, case=case, request=request, tab=tab)
    base = {
        "case": case,
        "access": case.access,
        "tab": tab,
        "case_tabs": case_tabs(case),
        "case_actions": case_actions(case),
    }
    return render(request, template, {**base, **context})


@caseworker_only
@require_GET
def case_detail(request: AuthedRequest, case_id: str) -> HttpResponse:
    case = selectors.get_case_for(request.user, case_id, request=request)
    return _case_page(
        request,
        case,
        "summary",
        "casework/case_summary.html",
        consents=selectors.case_consents(case) if case.access.full else [],  # type: ignore[attr-defined]
        due=selectors.follow_up_due(case),
        sensitive=selectors.case_sensitive(case),
    )


@caseworker_only
@require_GET
def case_identity(request: AuthedRequest, case_id: str) -> HttpResponse:
    case = selectors.get_case_for(request.user, case_id, request=request)
    if not (case.access.can_see(Section.IDENTITY) or case.access.can_see(Section.CONTACT)):  # type: ignore[attr-defined]
        return redirect("casework:case_detail", case_id=case.pk)
    return _case_page(
        request, case, "identity", "casework/case_identity.html", sensitive=selectors.case_sensitive(case)
    )


@caseworker_only
@require_POST
def case_reveal(request: AuthedRequest, case_id: str, field: str) -> HttpResponse:
    case = selectors.get_case_for(request.user, case_id, request=request)
    if field not in services.REVEALABLE or not case.access.can_see(services.REVEALABLE[field]):  # type: ignore[attr-defined]
        raise Http404
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
@require_http_methods(["GET", "POST"])
def case_notes(request: AuthedRequest, case_id: str) -> HttpResponse:
    case = selectors.get_case_for(request.user, case_id, request=request)
    form = NoteForm(posted(request)) if case.access.can_change else None  # type: ignore[attr-defined]
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            services.note_add(actor=request.user, case=case, **form.cleaned_data)
            messages.success(request, _("Note saved."))
            return redirect("casework:case_notes", case_id=case.pk)
    return _case_page(request, case, "notes", "casework/case_notes.html", notes=selectors.case_notes(case), form=form)


@caseworker_only
@require_http_methods(["GET", "POST"])
def case_services(request: AuthedRequest, case_id: str) -> HttpResponse:
    case = selectors.get_case_for(request.user, case_id, request=request)
    granted = case.access  # type: ignore[attr-defined]
    form = None
    if granted.can_change or granted.is_referred:
        form = ServiceForm(posted(request), provider=None if granted.can_change else request.user.organisation)
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            try:
                services.service_record_add(actor=request.user, case=case, **form.cleaned_data)
            except ValidationError as error:
                _attach(form, error)
            else:
                messages.success(request, _("Service recorded."))
                return redirect("casework:case_services", case_id=case.pk)
    return _case_page(
        request,
        case,
        "services",
        "casework/case_services.html",
        records=selectors.case_services(case, viewer=request.user),
        form=form,
    )


@caseworker_only
@require_GET
def case_history_view(request: AuthedRequest, case_id: str) -> HttpResponse:
    case = selectors.get_case_for(request.user, case_id, request=request)
    return _case_page(
        request, case, "history", "casework/case_history.html", entries=case_history(case, viewer_access=case.access)
    )  # type: ignore[attr-defined]


@caseworker_only
@require_http_methods(["GET", "POST"])
def case_edit(request: AuthedRequest, case_id: str) -> HttpResponse:
    case = selectors.get_case_for(request.user, case_id, "change", request=request)
    sensitive = selectors.case_sensitive(case)
    form = CaseForm(posted(request), organisation=case.owner, intake=False, initial=initial_from_case(case, sensitive))
    version = VersionForm(posted(request), initial={"version": case.version})
    conflict = False
    if request.method == "POST" and form.is_valid():
        try:
            services.case_update(
                actor=request.user,
                case=case,
                # A missing or malformed version is none this case had (they start at 1): refused as a conflict.
                expected_version=version.cleaned_data["version"] if version.is_valid() else 0,
                summary=form.summary(),
                identity=form.identity(),
                contact=form.contact(),
                narrative=form.cleaned_data.get("narrative", ""),
                needs=form.cleaned_data.get("needs", ""),
            )
        except services.CaseConflict as error:
            # Keep what this user typed; the form now carries the newer version, so saving again is a deliberate
            # choice made after seeing the warning.
            conflict = True
            messages.error(
                request,
                _(
                    "Someone else saved this case after you opened it. Nothing was overwritten: your changes are "
                    "still in the form below. Open the case in a new tab to see theirs, then save again."
                ),
            )
            version = VersionForm(initial={"version": error.case.version})
        except ValidationError as error:
            _attach(form, error)
        else:
            messages.success(request, _("Case saved."))
            return redirect("casework:case_detail", case_id=case.pk)
    if request.method == "GET":  # the stored identifiers, filled in
        services.case_edit_record(actor=request.user, case=case, sensitive=sensitive, request=request)
    else:  # what this user typed, shown back
        services.case_view_record(actor=request.user, case=case, request=request, tab="edit")
    return render(
        request,
        "casework/case_form.html",
        {"form": form, "version": version, "case": case, "intake": False, "conflict": conflict},
    )


@caseworker_only
@require_http_methods(["GET", "POST"])
def case_close(request: AuthedRequest, case_id: str) -> HttpResponse:
    case = selectors.get_case_for(request.user, case_id, "change", request=request)
    form = CloseForm(posted(request), initial={"version": case.version})
    if request.method == "POST" and form.is_valid():
        try:
            services.case_close(
                actor=request.user,
                case=case,
                expected_version=form.cleaned_data["version"],
                reason=form.cleaned_data["reason"],
            )
        except services.CaseConflict:
            messages.error(
                request, _("Someone else saved this case after you opened it. Check it, then close it again.")
            )
            return redirect("casework:case_detail", case_id=case.pk)
        except ValidationError as error:
            _attach(form, error)
        else:
            messages.success(request, _("Case %(reference)s is closed.") % {"reference": case.reference})
            return redirect("casework:case_detail", case_id=case.pk)
    elif request.method == "POST" and "version" in form.errors:
        # The version is a hidden field: a missing or malformed one is refused like an outdated one.
        messages.error(request, _("Someone else saved this case after you opened it. Check it, then close it again."))
        return redirect("casework:case_detail", case_id=case.pk)
    return render(request, "casework/case_close.html", {"case": case, "form": form})


@caseworker_only
@require_POST
def case_reopen(request: AuthedRequest, case_id: str) -> HttpResponse:
    case = selectors.get_case_for(request.user, case_id, "change", request=request)
    form = VersionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Someone else saved this case after you opened it. Check it, then try again."))
        return redirect("casework:case_detail", case_id=case.pk)
    try:
        services.case_reopen(actor=request.user, case=case, expected_version=form.cleaned_data["version"])
    except services.CaseConflict:
        messages.error(request, _("Someone else saved this case after you opened it. Check it, then try again."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Case %(reference)s is open again.") % {"reference": case.reference})
    return redirect("casework:case_detail", case_id=case.pk)


@caseworker_only
@require_http_methods(["GET", "POST"])
def case_consents(request: AuthedRequest, case_id: str) -> HttpResponse:
    case = selectors.get_case_for(request.user, case_id, "change", request=request)
    form = ConsentForm(posted(request), initial={"given_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.consent_give(actor=request.user, case=case, **form.cleaned_data)
        except ValidationError as error:
            _attach(form, error)
        else:
            messages.success(request, _("Consent recorded."))
            return redirect("casework:case_consents", case_id=case.pk)
    return _case_page(
        request, case, "consents", "casework/case_consents.html", consents=selectors.case_consents(case), form=form
    )


@caseworker_only
@require_POST
def consent_withdraw(request: AuthedRequest, case_id: str, consent_id: str) -> HttpResponse:
    case = selectors.get_case_for(request.user, case_id, "change", request=request)
    consent = Consent.objects.filter(case=case, pk=consent_id).first()
    if consent is None:
        raise Http404
    try:
        services.consent_withdraw(actor=request.user, consent=consent)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The withdrawal of consent is recorded."))
    return redirect("casework:case_consents", case_id=case.pk)


@caseworker_only
@require_http_methods(["GET", "POST"])
def case_restriction(request: AuthedRequest, case_id: str) -> HttpResponse:
    from casework.access import named_users

    case = selectors.get_case_for(request.user, case_id, "change", request=request)
    form = RestrictionForm(
        posted(request),
        organisation=case.owner,
        initial={"is_restricted": case.is_restricted, "named_users": named_users(case)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.case_set_restriction(actor=request.user, case=case, **form.cleaned_data)
        except ValidationError as error:
            _attach(form, error)
        else:
            messages.success(request, _("Who may open this case is saved."))
            return redirect("casework:case_detail", case_id=case.pk)
    return render(request, "casework/case_restriction.html", {"case": case, "form": form})


@caseworker_only
@require_GET
def case_access(request: AuthedRequest, case_id: str) -> HttpResponse:
    """Who can see this case and why: for the owner organisation."""
    from casework.access import who_has_access

    case = selectors.get_case_for(request.user, case_id, "change", request=request)
    return _case_page(request, case, "access", "casework/case_access.html", grants=who_has_access(case))


@role_required(Role.ADMIN)
@require_GET
def case_access_admin(request: AuthedRequest, case_id: str) -> HttpResponse:
    """The same panel for admins: the case's reference and its grants, nothing of its contents."""
    from casework.access import who_has_access

    case = Case.objects.filter(pk=case_id).select_related("owner").first()
    if case is None:
        raise Http404
    audit.record_for(AccessLog.Event.CASE_VIEWED, actor=request.user, obj=case, request=request, detail="access-panel")
    return render(request, "casework/case_access_admin.html", {"case": case, "grants": who_has_access(case)})
