"""Referral pages: the caseworkers' inbox, sending, answering, the timeline, and the coordinators' queue."""

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
from accounts.permissions import role_required
from audit import access_log
from audit.models import AccessLog
from casework import access as case_access
from casework import selectors as case_selectors
from casework import tabs
from casework.choices import ConsentKind
from core.forms import attach_errors
from core.http import posted
from referrals import inbox as inbox_lists
from referrals import queue, selectors, services
from referrals.choices import ReferralStatus, Urgency
from referrals.forms import (
    CancelForm,
    CompleteForm,
    DeclineForm,
    QueueFilterForm,
    ReassignForm,
    ReferralForm,
    UpdateForm,
)
from referrals.models import Referral
from referrals.selectors import Side

caseworker_only = role_required(Role.CASEWORKER)
referral_roles = role_required(Role.CASEWORKER, Role.COORDINATOR)
coordinator_only = role_required(Role.COORDINATOR)


@caseworker_only
@require_GET
def inbox(request: AuthedRequest) -> HttpResponse:
    return render(request, "referrals/inbox.html", {**inbox_lists.lists(request.user), "limits": inbox_lists.SIZE})


@caseworker_only
@require_GET
def case_referrals(request: AuthedRequest, case_id: str) -> HttpResponse:
    """The referrals of one case, as a tab of the case (owner organisation only)."""
    case = case_selectors.get_case_for(request.user, case_id, "change", request=request)
    context = {**tabs.page_context(case, "referrals"), "referrals": selectors.of_case(case)}
    return render(request, "referrals/case_referrals.html", context)


@caseworker_only
@require_http_methods(["GET", "POST"])
def referral_create(request: AuthedRequest, case_id: str) -> HttpResponse:
    case = case_selectors.get_case_for(request.user, case_id, "change", request=request)
    consent = case_selectors.active_consent(case, ConsentKind.SHARING)
    membership = request.user.active_membership
    may_override = bool(membership and membership.may_override_consent)
    form = ReferralForm(posted(request), owner=case.owner)
    if request.method == "POST" and form.is_valid():
        try:
            referral = services.referral_send(actor=request.user, case=case, **form.cleaned_data)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("Referral %(reference)s is sent.") % {"reference": referral.reference})
            return redirect("referrals:referral_detail", referral_id=referral.pk)
    return render(
        request,
        "referrals/referral_form.html",
        {"case": case, "form": form, "consent": consent, "may_override": may_override},
    )


# The referral page shows several small forms at once, each under its name: "<name>_form" in the context, and
# "<name>_<field>" element ids, distinct so that each label stays tied to its own field.
FORMS = {DeclineForm: "decline", CompleteForm: "complete", UpdateForm: "update", CancelForm: "cancel"}


def _form(form_class: Any, data: Any = None) -> Any:
    return form_class(data, auto_id=f"{FORMS[form_class]}_%s")


def _detail_context(request: AuthedRequest, referral: Referral) -> dict[str, Any]:
    side: Side = referral.side  # type: ignore[attr-defined]
    # The reason and the timeline's notes are for the sender, and for the receiver only while it holds the referral
    # (accepted). Endings end access: once completed, declined, cancelled or reassigned, the receiver keeps only what
    # it wrote itself (its updates, outcome) and the references, as before it accepted.
    reads_notes = side is Side.SENDER or (side is Side.RECEIVER and referral.status == ReferralStatus.ACCEPTED)
    events = selectors.timeline(referral)

    def reads(event: Any) -> bool:
        return reads_notes or (side is Side.RECEIVER and event.organisation_id == referral.to_org_id)

    return {
        "referral": referral,
        "side": side.value,
        "summary": selectors.summary_of(referral),
        "reason": selectors.reason_of(referral) if reads_notes else "",
        "override_reason": selectors.override_reason_of(referral) if reads_notes and referral.consent_override else "",
        "events": [{"event": e, "note": selectors.event_note(e, referral.case) if reads(e) else ""} for e in events],
        **{f"{name}_form": _form(form_class) for form_class, name in FORMS.items()},
        # Whether the case's pages open for this user: the case gate says, not the referral's status.
        "can_open_case": side in (Side.SENDER, Side.RECEIVER)
        and case_access.access_for(request.user, referral.case).allows("view"),
    }


@referral_roles
@require_GET
def referral_detail(request: AuthedRequest, referral_id: str) -> HttpResponse:
    referral = selectors.get_referral_for(request.user, referral_id, request=request)
    # Opening a referral is opening (a summary of) a victim's file: logged like a case view.
    access_log.record_for(
        AccessLog.Event.CASE_VIEWED, actor=request.user, obj=referral.case, request=request, detail="referral"
    )
    return render(request, "referrals/referral_detail.html", _detail_context(request, referral))


# The statuses in which the referral's page shows each form (as referrals/referral_detail.html does).
SHOWN_IN = {
    DeclineForm: (ReferralStatus.SENT,),
    CompleteForm: (ReferralStatus.ACCEPTED,),
    UpdateForm: (ReferralStatus.SENT, ReferralStatus.ACCEPTED),
    CancelForm: (ReferralStatus.SENT, ReferralStatus.ACCEPTED),
}


def _act(
    request: AuthedRequest,
    referral_id: str,
    sides: tuple[Side, ...],
    action: Any,
    form_class: Any = None,
    done: str = "",
) -> HttpResponse:
    referral = selectors.get_referral_for(request.user, referral_id, request=request)
    if referral.side not in sides:  # type: ignore[attr-defined]
        access_log.record_refusal("side", actor=request.user, obj=referral, request=request)
        raise PermissionDenied
    form = _form(form_class, request.POST) if form_class else None
    if form is not None and not form.is_valid():
        context = _detail_context(request, referral)
        if referral.status not in SHOWN_IN[form_class]:
            # Answered meanwhile (in another tab, by a colleague): the form is no longer on the page to show its
            # errors, so say why nothing can be done instead.
            messages.error(
                request,
                _("This referral is %(status)s: that cannot be done now.") % {"status": referral.status_label},
            )
            return render(request, "referrals/referral_detail.html", context, status=200)
        context[f"{FORMS[form_class]}_form"] = form
        messages.error(request, _("Please correct the fields marked below. Nothing you typed has been lost."))
        return render(request, "referrals/referral_detail.html", context, status=200)
    try:
        action(referral, **(form.cleaned_data if form else {}))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
    return redirect("referrals:referral_detail", referral_id=referral.pk)


@caseworker_only
@require_POST
def referral_accept(request: AuthedRequest, referral_id: str) -> HttpResponse:
    return _act(
        request,
        referral_id,
        (Side.RECEIVER,),
        lambda r: services.referral_accept(actor=request.user, referral=r),
        done=_("Referral accepted."),
    )


@caseworker_only
@require_POST
def referral_decline(request: AuthedRequest, referral_id: str) -> HttpResponse:
    return _act(
        request,
        referral_id,
        (Side.RECEIVER,),
        lambda r, **data: services.referral_decline(actor=request.user, referral=r, **data),
        DeclineForm,
        _("Referral declined."),
    )


@caseworker_only
@require_POST
def referral_cancel(request: AuthedRequest, referral_id: str) -> HttpResponse:
    return _act(
        request,
        referral_id,
        (Side.SENDER,),
        lambda r, **data: services.referral_cancel(actor=request.user, referral=r, **data),
        CancelForm,
        _("Referral cancelled."),
    )


@caseworker_only
@require_POST
def referral_complete(request: AuthedRequest, referral_id: str) -> HttpResponse:
    return _act(
        request,
        referral_id,
        (Side.RECEIVER,),
        lambda r, **data: services.referral_complete(actor=request.user, referral=r, **data),
        CompleteForm,
        _("Referral completed."),
    )


@caseworker_only
@require_POST
def referral_update(request: AuthedRequest, referral_id: str) -> HttpResponse:
    return _act(
        request,
        referral_id,
        (Side.SENDER, Side.RECEIVER),
        lambda r, **data: services.referral_update(actor=request.user, referral=r, **data),
        UpdateForm,
        _("Update added."),
    )


@coordinator_only
@require_http_methods(["GET", "POST"])
def referral_reassign(request: AuthedRequest, referral_id: str) -> HttpResponse:
    referral = selectors.get_referral_for(request.user, referral_id, request=request)
    if referral.status not in (ReferralStatus.SENT, ReferralStatus.ACCEPTED, ReferralStatus.DECLINED):
        # Closed meanwhile (another coordinator reassigned it, the sender cancelled, a second click on the button):
        # say so on the referral's page, which links to where it went, instead of refusing.
        messages.warning(
            request,
            _("Referral %(reference)s is already %(status)s and can no longer be reassigned.")
            % {"reference": referral.reference, "status": referral.status_label.lower()},
        )
        return redirect("referrals:referral_detail", referral_id=referral.pk)
    # A reassignment sent is checked against the organisation it names, if that is a candidate; every candidate
    # and the suggestions' order (capacity, distance) are for the page, read only when it is shown.
    chosen = request.POST.get("to_org", "") if request.method == "POST" else None
    candidates = selectors.reassign_candidates(referral, only=chosen)
    form = ReassignForm(posted(request), choices=candidates)
    if request.method == "POST" and form.is_valid():
        try:
            new = services.referral_reassign(actor=request.user, referral=referral, **form.cleaned_data)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(
                request,
                _("Referral reassigned: %(reference)s goes to %(org)s.")
                % {"reference": new.reference, "org": new.to_org.name},
            )
            return redirect("referrals:referral_detail", referral_id=new.pk)
    suggestions = selectors.suggested_organisations(referral, None if chosen is not None else candidates)
    form.suggest(
        [org for org, _km, _offers in suggestions],
        {
            org.pk: f"{km:.0f} km" + (" · " + _("offers a requested service") if offers else "")
            for org, km, offers in suggestions
        },
    )
    return render(
        request,
        "referrals/reassign.html",
        {"referral": referral, "summary": selectors.summary_of(referral), "form": form, "suggestions": suggestions},
    )


@coordinator_only
@require_GET
def coordinator_queue(request: AuthedRequest) -> HttpResponse:
    form = QueueFilterForm(request.GET or None)
    filters = queue.QueueFilters()
    if form.is_valid():
        data = form.cleaned_data
        filters = queue.QueueFilters(
            status=data["status"],
            urgency=data["urgency"],
            overdue=data["overdue"],
            from_org=data["from_org"],
            to_org=data["to_org"],
            province=data["province"],
            service=data["service"],
            show=data["show"] or "open",
            sort=data["sort"] or "urgency",
        )
    page = queue.page(filters, request.GET.get("after", ""))
    query = request.GET.copy()
    query.pop("after", None)
    rows = [
        {"referral": r, "declined_emergency": r.status == ReferralStatus.DECLINED and r.urgency == Urgency.EMERGENCY}
        for r in page.items
    ]
    return render(
        request, "referrals/queue.html", {"form": form, "page": page, "rows": rows, "query": query.urlencode()}
    )
