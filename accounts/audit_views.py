"""Admins' audit screens: the access log (filtered, per case, per user, exported), flags, the chain check, and the
change history of every record. Admins see references and user names, never a victim's identity or a value."""

from __future__ import annotations

import csv
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any

from django import forms
from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from accounts import audit, history_registry
from accounts.choices import Role
from accounts.forms import DateInputField, StyledFormMixin
from accounts.http import AuthedRequest, row_id
from accounts.models import AccessLog, AccessLogVerification, AuditFlag, Organisation, User
from accounts.permissions import role_required

admin_only = role_required(Role.ADMIN)
PAGE = 50


class LogFilterForm(StyledFormMixin, forms.Form):
    user = forms.CharField(label=gettext_lazy("User"), required=False, max_length=150)
    organisation = forms.ModelChoiceField(
        label=gettext_lazy("Organisation"), queryset=Organisation.objects.all(), required=False
    )
    reference = forms.CharField(label=gettext_lazy("Case or referral reference"), required=False, max_length=40)
    event = forms.ChoiceField(
        label=gettext_lazy("Event"), choices=[("", "—"), *AccessLog.Event.choices], required=False
    )
    date_from = DateInputField(label=gettext_lazy("From"), required=False)
    date_to = DateInputField(label=gettext_lazy("To"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            self.add_error("date_to", _("The end date is before the start date."))
        return data


def _day_start(day: Any) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def filtered_log(data: dict[str, Any]) -> QuerySet[AccessLog]:
    entries = AccessLog.objects.select_related("actor", "organisation")
    if data.get("user"):
        entries = entries.filter(actor__username__iexact=data["user"].strip())
    if data.get("organisation"):
        entries = entries.filter(organisation=data["organisation"])
    if data.get("reference"):
        # References are upper case (YKT-2026-0007, YKT-2026-0007/R1): an exact match uses the index.
        entries = entries.filter(object_ref=data["reference"].strip().upper())
    if data.get("event"):
        entries = entries.filter(event=data["event"])
    if data.get("date_from"):
        entries = entries.filter(at__gte=_day_start(data["date_from"]))
    if data.get("date_to"):
        entries = entries.filter(at__lt=_day_start(data["date_to"]) + timedelta(days=1))
    if data.get("actor_id"):
        entries = entries.filter(actor_id=data["actor_id"])
    if data.get("object_id"):
        entries = entries.filter(object_id=data["object_id"])
    if data.get("since") and data.get("until"):
        entries = entries.filter(at__gte=data["since"], at__lte=data["until"])
    return entries.order_by("-id")


@dataclass
class LogPage:
    entries: list[AccessLog]
    next_cursor: str


def log_page(entries: QuerySet[AccessLog], cursor: str) -> LogPage:
    before = row_id(cursor)
    if before is not None:
        entries = entries.filter(id__lt=before)
    rows = list(entries[: PAGE + 1])
    return LogPage(entries=rows[:PAGE], next_cursor=str(rows[PAGE - 1].pk) if len(rows) > PAGE else "")


def _flag_window(request: AuthedRequest) -> dict[str, Any]:
    """The entries behind a flag: ?flag=<id> narrows the log to its user and window."""
    flag_id = row_id(request.GET.get("flag", ""))
    if flag_id is None:
        return {}
    flag = AuditFlag.objects.filter(pk=flag_id).first()
    if flag is None:
        return {}
    return {
        "actor_id": flag.actor_id,
        "since": flag.window_start - timedelta(hours=1),
        "until": flag.window_end,
        "flag": flag,
    }


@admin_only
@require_GET
def access_log(request: AuthedRequest) -> HttpResponse:
    form = LogFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    data = {**data, **_flag_window(request)}
    page = log_page(filtered_log(data), request.GET.get("after", ""))
    query = request.GET.copy()
    query.pop("after", None)
    return render(
        request,
        "accounts/audit/log.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "flag": data.get("flag"),
            "last_check": AccessLogVerification.objects.first(),
        },
    )


@admin_only
@require_GET
def access_log_export(request: AuthedRequest) -> StreamingHttpResponse:
    """The filtered log as CSV. The export itself is logged (and flagged)."""
    form = LogFilterForm(request.GET or None)
    data = {**(form.cleaned_data if form.is_valid() else {}), **_flag_window(request)}
    entries = filtered_log(data)
    audit.record(AccessLog.Event.EXPORTED, actor=request.user, request=request, detail="access-log.csv")

    class Echo:
        def write(self, value: str) -> str:
            return value

    def rows() -> Any:
        writer = csv.writer(Echo())
        yield writer.writerow(
            ["id", "time", "event", "user", "organisation", "object_type", "reference", "detail", "address", "hash"]
        )
        for entry in entries.iterator(chunk_size=2000):
            yield writer.writerow(
                [
                    entry.pk,
                    entry.at.isoformat(),
                    entry.event,
                    entry.actor.username if entry.actor else "",
                    entry.organisation.code if entry.organisation else "",
                    entry.object_type,
                    entry.object_ref,
                    entry.detail,
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
    entries = filtered_log({"object_id": object_id})
    page = log_page(entries, request.GET.get("after", ""))
    first = entries.exclude(object_ref="").values_list("object_ref", flat=True).first() or str(object_id)
    people = (
        entries.exclude(actor=None)
        .values("actor__username", "organisation__code", "event")
        .order_by("actor__username", "event")
        .distinct()
    )
    object_type = entries.values_list("object_type", flat=True).first() or ""
    panel = history_registry.ACCESS_PANELS.get(object_type)
    context = {
        "page": page,
        "reference": first,
        "object_id": object_id,
        "people": list(people),
        "access_panel": panel(object_id) if panel else "",
    }
    return render(request, "accounts/audit/object_log.html", context)


@admin_only
@require_GET
def user_log(request: AuthedRequest, user_id: int) -> HttpResponse:
    person = get_object_or_404(User, pk=user_id)
    page = log_page(filtered_log({"actor_id": person.pk}), request.GET.get("after", ""))
    return render(request, "accounts/audit/user_log.html", {"person": person, "page": page})


@admin_only
@require_GET
def audit_flags(request: AuthedRequest) -> HttpResponse:
    show = request.GET.get("show", "open")
    flags = AuditFlag.objects.select_related("actor", "reviewed_by")
    if show == "open":
        flags = flags.filter(reviewed_at__isnull=True)
    return render(request, "accounts/audit/flags.html", {"flags": list(flags[:200]), "show": show})


@admin_only
@require_POST
def audit_flag_review(request: AuthedRequest, flag_id: int) -> HttpResponse:
    flag = get_object_or_404(AuditFlag, pk=flag_id)
    if flag.reviewed_at is None:
        flag.reviewed_by, flag.reviewed_at = request.user, timezone.now()
        flag.save(update_fields=["reviewed_by", "reviewed_at"])
    messages.success(request, _("Flag marked as reviewed."))
    return redirect("accounts:audit_flags")


@admin_only
@require_POST
def verify_log(request: AuthedRequest) -> HttpResponse:
    result = audit.verify_chain(actor=request.user)
    if result.ok:
        messages.success(
            request,
            _("The access log chain is intact: %(count)s entries verified.") % {"count": result.entries_verified},
        )
    else:
        messages.error(
            request,
            _(
                "The access log chain is broken at entry %(id)s: an entry was changed or removed. "
                "Tell the operators now."
            )
            % {"id": result.first_broken_id},
        )
    return redirect("accounts:audit_log")


# --- Change history, without values ---------------------------------------------------------------------------


class ChangeFilterForm(StyledFormMixin, forms.Form):
    record = forms.ChoiceField(label=gettext_lazy("Record"), required=False)
    user = forms.CharField(label=gettext_lazy("Changed by"), required=False, max_length=150)
    reference = forms.CharField(label=gettext_lazy("Reference"), required=False, max_length=40)
    date_from = DateInputField(label=gettext_lazy("From"), required=False)
    date_to = DateInputField(label=gettext_lazy("To"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["record"].choices = [("", "—")] + [(a.key, a.label) for a in history_registry.audited()]  # type: ignore[attr-defined]


@dataclass
class ChangeRow:
    when: datetime
    who: str
    record: str
    reference: str
    kind: str
    fields: list[str]


def _changed_fields(model: Any, row: Any) -> list[str]:
    previous = row.prev_record
    if previous is None:
        return []
    names = []
    for field in model._meta.concrete_fields:
        if not hasattr(row, field.attname) or field.attname in ("updated_at", "version"):
            continue  # not kept in history
        if getattr(row, field.attname) != getattr(previous, field.attname):
            names.append(str(field.verbose_name))
    return names


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
    rows: list[tuple[Any, Any]] = []
    for item in history_registry.audited():
        if data.get("record") and data["record"] != item.key:
            continue
        history = item.model.history.select_related("history_user").order_by("-history_date")  # type: ignore[attr-defined]
        if data.get("user"):
            history = history.filter(history_user__username__iexact=data["user"].strip())
        if data.get("reference"):
            history = item.by_reference(history, data["reference"].strip())
        if data.get("date_from"):
            history = history.filter(history_date__gte=_day_start(data["date_from"]))
        if data.get("date_to"):
            history = history.filter(history_date__lt=_day_start(data["date_to"]) + timedelta(days=1))
        if before_at:
            history = history.filter(history_date__lt=before_at)
        rows.extend((item, row) for row in history[:PAGE])
    rows.sort(key=lambda pair: pair[1].history_date, reverse=True)
    rows = rows[:PAGE]
    references: dict[tuple[str, int], str] = {}
    for item in history_registry.audited():
        mine = [row for key, row in rows if key is item]
        for history_id, ref in item.references(mine).items() if mine else []:
            references[(item.key, history_id)] = ref
    changes = [
        ChangeRow(
            when=row.history_date,
            who=row.history_user.username if row.history_user else "—",
            record=str(item.label),
            reference=references.get((item.key, row.history_id), ""),
            kind=row.history_type,
            fields=_changed_fields(item.model, row),
        )
        for item, row in rows
    ]
    query = request.GET.copy()
    query.pop("before", None)
    next_before = rows[-1][1].history_date.astimezone(UTC).isoformat() if len(rows) == PAGE else ""
    return render(
        request,
        "accounts/audit/changes.html",
        {"form": form, "changes": changes, "next_before": next_before, "query": query.urlencode()},
    )
