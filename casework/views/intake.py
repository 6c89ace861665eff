"""Opening a case: the intake form in steps, its encrypted draft, the duplicate check while it is typed, regency
choices."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.choices import Role
from accounts.http import AuthedRequest
from casework import draft_selectors, limits, selectors, services
from casework.forms import CaseForm, DuplicateCheckForm, draft_initial, posted_initial, regency_choices
from casework.models import IntakeDraft
from casework.views.lists import caseworker_only
from core.csrf import repost_page
from core.forms import attach_errors
from core.http import posted

DRAFT_HEADER = "X-Intake-Draft"


def _posted_fields(request: HttpRequest) -> dict[str, list[str]]:
    """The intake's own fields of a POST (never the CSRF token or anything else that came along)."""
    names = set(CaseForm.base_fields)
    return {name: request.POST.getlist(name) for name in request.POST if name in names}


def _signed_out_keeps_the_post(view: Any) -> Any:
    """A signed-out intake (the session ended while typing) is not sent to the sign-in page, which would drop it: the
    page says what happened and offers to send it again once signed in. Nothing is stored."""

    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method == "POST" and not request.user.is_authenticated:
            return repost_page(request, status=401, signed_out=True)
        response: HttpResponse = view(request, *args, **kwargs)
        return response

    return wrapped


def _draft_id(request: HttpRequest) -> str | None:
    """The draft the intake page holds (its hidden field), or the one asked for by the "continue" offer."""
    return request.POST.get("intake_draft") or request.GET.get("draft") or None


@_signed_out_keeps_the_post
@caseworker_only
@require_http_methods(["GET", "POST"])
def case_create(request: AuthedRequest) -> HttpResponse:
    organisation = request.user.organisation
    assert organisation is not None  # caseworker_only: an active membership
    # Each intake page has its own draft (two tabs, two drafts): the one it holds, else a new one. A posted intake
    # reaches its draft only when the page is shown again: one that opens its case just deletes the draft it held.
    restored: dict[str, Any] = {}
    if request.method == "GET":
        draft = services.intake_draft_open(actor=request.user, draft_id=_draft_id(request))
        restored = draft_initial(selectors.intake_draft_fields(draft))
    if request.method == "POST" and "all_countries" in request.POST:
        # Without the script: shown again with every country (casework/forms/widgets.py), nothing sent yet.
        draft = _kept(request)
        form = CaseForm(organisation=organisation, initial=posted_initial(request.POST), all_countries=True)
        return render(request, "casework/case_form.html", {"form": form, "intake": True, "draft": draft})
    form = CaseForm(posted(request), organisation=organisation, initial=restored)
    if request.method == "POST" and form.is_valid():
        matches: list[selectors.DuplicateMatch] = []

        def checked(case: Any) -> list[Any]:
            """In the case's transaction, before its rows: the draft it came from goes, the duplicate check and the
            notices to the other holders; the check's access-log entry is written with the case's rows."""
            if _draft_id(request):
                services.intake_draft_discard(actor=request.user, draft_id=_draft_id(request))
            found, entry = selectors.duplicate_matches_placed(
                request.user,
                nik=form.identity()["nik"],
                passport=form.identity()["passport"],
                phones=form.contact()["phones"],
                request=request,
            )
            matches.extend(found)
            services.duplicate_holders_notify(actor=request.user, matches=matches)
            return [entry] if entry is not None else []

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
                then=checked,
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            for match in matches:
                messages.warning(request, _duplicate_message(request.user, match))
            messages.success(request, _("Case %(reference)s is open.") % {"reference": case.reference})
            return redirect("casework:case_detail", case_id=case.pk)
    if request.method == "POST":
        # What was typed is kept on the server too, so that closing the tab now loses nothing.
        draft = _kept(request)
    context = {
        "form": form,
        "intake": True,
        "draft": draft,
        "draft_restored": bool(restored),
        "other_drafts": draft_selectors.intake_drafts_offered(request.user, exclude=draft.pk),
    }
    return render(request, "casework/case_form.html", context)


def _duplicate_message(user: Any, match: selectors.DuplicateMatch) -> str:
    """After opening: a case of the caseworker's own organisation that they may open is named, with a link; any
    other holder only by the organisation's name."""
    if match.cases:
        links = format_html_join(
            ", ",
            '<a href="{}">{}</a>',
            ((reverse("casework:case_detail", args=[c.pk]), c.reference) for c in match.cases),
        )
        text = _("A case with the same identity number or phone is already open at your organisation: %(refs)s.")
        return format_html(conditional_escape(text).replace("%(refs)s", "{}"), links)
    return _("A case with the same identity number or phone is also held by: %(organisations)s.") % {
        "organisations": match.organisation.name
    }


def _kept(request: AuthedRequest) -> IntakeDraft:
    """The posted page's draft holding what was posted (a new draft if the page's has gone); the draft as it was when
    what was posted is too large to keep."""
    return _save_quietly(request) or services.intake_draft_open(actor=request.user, draft_id=_draft_id(request))


def _save_quietly(request: AuthedRequest, draft: IntakeDraft | None = None) -> IntakeDraft | None:
    draft_id = draft.pk if draft is not None else _draft_id(request)
    try:
        return services.intake_draft_save(actor=request.user, fields=_posted_fields(request), draft_id=draft_id)
    except ValidationError:
        return None


@caseworker_only
@require_POST
def intake_draft_save(request: AuthedRequest) -> HttpResponse:
    """Called by the intake page as the caseworker types (static/jejaring/intake.js): seal what is typed into the
    page's draft. 204 when kept, with the draft's id in X-Intake-Draft (a new one when the page's had gone); 413 when
    the draft is too large to keep."""
    draft = _save_quietly(request)
    response = HttpResponse(status=204 if draft is not None else 413)
    if draft is not None:
        response.headers[DRAFT_HEADER] = str(draft.pk)
    return response


@caseworker_only
@require_POST
def intake_draft_discard(request: AuthedRequest) -> HttpResponse:
    services.intake_draft_discard(actor=request.user, draft_id=request.POST.get("intake_draft") or "none")
    messages.info(request, _("The draft was discarded."))
    return redirect("casework:case_create")


def intake_rescue(request: HttpRequest) -> HttpResponse | None:
    """The intake (or its draft) was posted with a token from before the latest sign-in (core.csrf): keep what was
    typed in the page's draft and bring the caseworker back to it. Only called for a same-origin POST of a signed-in
    user; anyone else gets core.csrf's page."""
    user: Any = request.user
    if user.role != Role.CASEWORKER or user.organisation is None:
        return None
    try:
        draft = services.intake_draft_save(actor=user, fields=_posted_fields(request), draft_id=_draft_id(request))
    except ValidationError:
        return None
    if request.resolver_match and request.resolver_match.url_name == "intake_draft_save":
        response = HttpResponse(status=204)
        response.headers[DRAFT_HEADER] = str(draft.pk)
        return response
    messages.warning(
        request,
        _(
            "Your sign-in changed while you were typing, so the case was not opened yet. Everything you typed is "
            "kept below: check it and open the case."
        ),
    )
    return redirect(f"{reverse('casework:case_create')}?draft={draft.pk}")


@caseworker_only
@require_POST
def duplicate_check(request: AuthedRequest) -> HttpResponse:
    """htmx, while the intake form is filled in: which organisations already hold a case with these identifiers.
    Only inside an intake being written (the caseworker's draft), and at most
    JEJARING_DUPLICATE_CHECKS_PER_HOUR an hour: otherwise it would be an oracle of who is a victim, and where."""
    if selectors.intake_draft_of(request.user, request.POST.get("intake_draft") or None) is None:
        return render(request, "casework/_duplicates.html", {"refused": "no_intake"}, status=403)
    form = DuplicateCheckForm(request.POST)
    identifiers = form.identifiers() if form.is_valid() else {}
    if not any(identifiers.values()):
        return render(request, "casework/_duplicates.html", {"matches": []})
    if not limits.lookup_allowed(request.user, limits.DUPLICATE_CHECK, request=request):
        return render(request, "casework/_duplicates.html", {"refused": "limit"}, status=429)
    matches = selectors.duplicate_matches(request.user, request=request, **identifiers)
    told = services.duplicate_holders_notify(actor=request.user, matches=matches)
    return render(request, "casework/_duplicates.html", {"matches": matches, "told": told})


@caseworker_only
@require_GET
def regency_options(request: AuthedRequest) -> HttpResponse:
    return render(
        request, "casework/_regency_options.html", {"choices": regency_choices(request.GET.get("origin_province"))}
    )
