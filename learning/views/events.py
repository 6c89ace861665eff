"""Learning events: the forum's meetings and what came out of them."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.choices import Role
from accounts.http import AuthedRequest
from core.http import posted
from learning import selectors, services
from learning.forms import EventForm
from learning.markdown import render as markdown
from learning.views._common import attach, coordinator_required, member_required


@member_required
@require_GET
def events(request: AuthedRequest) -> HttpResponse:
    rows = [(event, selectors.participation(event)) for event in selectors.event_list(request.user)]
    return render(
        request, "learning/events.html", {"events": rows, "may_create": request.user.role == Role.COORDINATOR}
    )


@member_required
@require_GET
def event_detail(request: AuthedRequest, event_id: str) -> HttpResponse:
    event = selectors.get_event_for(request.user, event_id)
    context = {
        "event": event,
        "agenda_html": markdown(event.agenda),
        "participation": selectors.participation(event),
        **selectors.event_outputs(request.user, event),
        "may_edit": request.user.role == Role.COORDINATOR,
    }
    return render(request, "learning/event_detail.html", context)


def _form_page(request: AuthedRequest, event_id: str | None = None) -> HttpResponse:
    event = selectors.get_event_for(request.user, event_id) if event_id else None
    initial = {}
    if event is not None:
        initial = {
            **{name: getattr(event, name) for name in services.events.FIELDS},
            "organisations": list(event.organisations.all()),
            "practices": list(event.practices.all()),
            "recommendations": list(event.recommendations.all()),
            "challenges": list(event.challenges.all()),
        }
    form = EventForm(posted(request), initial=initial, choices=selectors.event_choices())
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            if event is None:
                event = services.event_create(actor=request.user, **data)
            else:
                event = services.event_update(actor=request.user, event=event, **data)
        except ValidationError as error:
            attach(form, error)
        else:
            messages.success(request, _("The learning event is saved."))
            return redirect("learning:event_detail", event_id=event.pk)
    return render(request, "learning/event_form.html", {"form": form, "event": event})


@coordinator_required
@require_http_methods(["GET", "POST"])
def event_create(request: AuthedRequest) -> HttpResponse:
    return _form_page(request)


@coordinator_required
@require_http_methods(["GET", "POST"])
def event_edit(request: AuthedRequest, event_id: str) -> HttpResponse:
    return _form_page(request, event_id)
