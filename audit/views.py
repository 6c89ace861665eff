"""Admins' audit screens: the access log (filtered, per case, per user, exported), flags, the chain check, and the
change history of every record. Admins see references and user names, never a victim's identity or a value."""

from __future__ import annotations

import csv
import uuid
from datetime import UTC, datetime
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_POST

from accounts.choices import Role
from accounts.http import AuthedRequest
from accounts.permissions import role_required
from audit import access_log, describe, history_registry, selectors, services, verification
from audit.forms import ChangeFilterForm, LogFilterForm
from audit.models import AccessLog
from core.http import row_id

admin_only = role_required(Role.ADMIN)


def _flag_window(request: AuthedRequest) -> dict[str, Any]:
    """?flag=<id> narrows the log to the flag's user and window."""
    return selectors.flag_window(row_id(request.GET.get("flag", "")))


@admin_only
@require_GET
def log_list(request: AuthedRequest) -> HttpResponse:
    form = LogFilterForm(request.GET or None)
    return _log_page(request, form)


def _log_page(request: AuthedRequest, form: LogFilterForm) -> HttpResponse:
    """The filtered log; a filter that does not hold (an end before the start) shows its error and no entry."""
    refused = form.is_bound and not form.is_valid()
    data = {**(form.cleaned_data if form.is_bound and not refused else {}), **_flag_window(request)}
    entries = selectors.no_entries() if refused else selectors.filtered_log(data)
    page = selectors.log_page(entries, request.GET.get("after", ""))
    query = request.GET.copy()
    query.pop("after", None)
    return render(
        request,
        "audit/log.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "refused": refused,
            "flag": data.get("flag"),
            "last_check": selectors.last_verification(),
        },
    )


@admin_only
@require_GET
def access_log_export(request: AuthedRequest) -> HttpResponse | StreamingHttpResponse:
    """The filtered log as CSV, in the reader's language and the network's time zone, as on the screen. The export
    itself is logged (and flagged). A filter that does not hold exports nothing: the page shows the error instead."""
    form = LogFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return _log_page(request, form)
    data = {**(form.cleaned_data if form.is_bound else {}), **_flag_window(request)}
    entries = selectors.filtered_log(data)
    access_log.record(AccessLog.Event.EXPORTED, actor=request.user, request=request, detail="access-log.csv")
    language = translation.get_language()
    zone = timezone.get_current_timezone()

    class Echo:
        def write(self, value: str) -> str:
            return value

    def rows() -> Any:
        # Streamed after the view returns: the reader's language is set again for the rows.
        with translation.override(language):
            writer = csv.writer(Echo())
            yield writer.writerow(
                [
                    _("Entry"),
                    _("Time (%(zone)s)") % {"zone": timezone.localtime(timezone.now(), zone).tzname()},
                    _("Event"),
                    _("User"),
                    _("Organisation"),
                    pgettext("kind of record", "Record"),
                    _("Reference"),
                    _("Detail"),
                    _("Address"),
                    _("Hash"),
                ]
            )
            for entry in entries.iterator(chunk_size=2000):
                yield writer.writerow(
                    [
                        entry.pk,
                        timezone.localtime(entry.at, zone).strftime("%d-%m-%Y %H:%M:%S"),
                        describe.event_label(entry.event),
                        entry.actor.username if entry.actor else "",
                        entry.organisation.code if entry.organisation else "",
                        describe.record_label(entry.object_type),
                        entry.object_ref,
                        describe.detail_label(entry.event, entry.detail),
                        entry.ip_address or "",
                        entry.hash,
                    ]
                )

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="jejaring-access-log.csv"'
    return response


@admin_only
@require_GET
def object_log(request: AuthedRequest, object_id: uuid.UUID) -> HttpResponse:
    """Everyone who viewed, revealed from, or was refused one case (or referral)."""
    entries = selectors.filtered_log({"object_id": object_id})
    page = selectors.log_page(entries, request.GET.get("after", ""))
    about = selectors.object_log(entries, object_id)
    panel = history_registry.ACCESS_PANELS.get(about.object_type)
    context = {
        "page": page,
        "reference": about.reference,
        "object_id": object_id,
        "people": about.people,
        "access_panel": panel(object_id) if panel else "",
    }
    return render(request, "audit/object_log.html", context)


@admin_only
@require_GET
def user_log(request: AuthedRequest, user_id: int) -> HttpResponse:
    person = selectors.user_by_id(user_id)
    if person is None:
        raise Http404
    page = selectors.log_page(selectors.filtered_log({"actor_id": person.pk}), request.GET.get("after", ""))
    return render(request, "audit/user_log.html", {"person": person, "page": page})


@admin_only
@require_GET
def audit_flags(request: AuthedRequest) -> HttpResponse:
    show = request.GET.get("show", "open")
    return render(request, "audit/flags.html", {"flags": selectors.flags(show=show), "show": show})


@admin_only
@require_POST
def audit_flag_review(request: AuthedRequest, flag_id: int) -> HttpResponse:
    flag = selectors.flag_by_id(flag_id)
    if flag is None:
        raise Http404
    services.flag_review(actor=request.user, flag=flag)
    messages.success(request, _("Flag marked as reviewed."))
    return redirect("audit:flags")


@admin_only
@require_POST
def verify_log(request: AuthedRequest) -> HttpResponse:
    result = verification.verify_chain(actor=request.user)
    if result.ok:
        messages.success(
            request,
            _("The access log chain is intact: %(count)s entries verified.") % {"count": result.entries_verified},
        )
    else:
        messages.error(
            request,
            _(
                "The access log is broken (%(problem)s): an entry or an anchor was changed or removed. "
                "Tell the operators now."
            )
            % {"problem": result.problem},
        )
    return redirect("audit:log")


# --- Change history, without values ---------------------------------------------------------------------------


@admin_only
@require_GET
def change_history(request: AuthedRequest) -> HttpResponse:
    form = ChangeFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    before = request.GET.get("before", "")
    try:
        before_at = datetime.fromisoformat(before) if before else None
        if before_at is not None:
            # In UTC, as the database compares it: an offset at the ends of the calendar overflows here, not there.
            before_at = (timezone.make_aware(before_at) if timezone.is_naive(before_at) else before_at).astimezone(UTC)
    except (ValueError, OverflowError):
        before_at = None
    changes = selectors.change_rows(data, before=before_at)
    query = request.GET.copy()
    query.pop("before", None)
    next_before = changes[-1].when.astimezone(UTC).isoformat() if len(changes) == selectors.PAGE else ""
    return render(
        request,
        "audit/changes.html",
        {"form": form, "changes": changes, "next_before": next_before, "query": query.urlencode()},
    )
