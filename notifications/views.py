"""The in-app inbox: the list, following a notification, marking read, and email preferences."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.http import row_id
from notifications import inbox


@login_required
@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    items = list(inbox.for_user(request.user)[:100])  # type: ignore[arg-type]
    rows = [{"item": item, "text": inbox.render(item)} for item in items]
    return render(request, "notifications/list.html", {"rows": rows})


@login_required
@require_GET
def notification_open(request: HttpRequest, notification_id: int) -> HttpResponse:
    """Follow a notification to what it is about, marking it read on the way."""
    item = inbox.for_user(request.user).filter(pk=notification_id).first()  # type: ignore[arg-type]
    if item is None:
        raise Http404
    inbox.mark_read(actor=request.user, notification_ids=[item.pk])  # type: ignore[arg-type]
    return redirect(inbox.target_url(item) or "notifications:list")


@login_required
@require_POST
def notifications_mark_read(request: HttpRequest) -> HttpResponse:
    ids = [pk for pk in map(row_id, request.POST.getlist("id")) if pk is not None]
    inbox.mark_read(actor=request.user, notification_ids=ids or None)  # type: ignore[arg-type]
    return redirect("notifications:list")


@login_required
@require_http_methods(["GET", "POST"])
def notification_preferences(request: HttpRequest) -> HttpResponse:
    kinds = inbox.kinds()
    if request.method == "POST":
        wanted = {code for code in request.POST.getlist("email") if code in {k.code for k in kinds}}
        inbox.set_email_preferences(actor=request.user, enabled=wanted)  # type: ignore[arg-type]
        messages.success(request, _("Your email choices are saved."))
        return redirect("notifications:preferences")
    off = inbox.email_turned_off(request.user)  # type: ignore[arg-type]
    rows = [{"kind": kind, "email": kind.security or kind.code not in off} for kind in kinds]
    return render(request, "notifications/preferences.html", {"rows": rows})
