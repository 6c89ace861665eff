"""Quarterly reports: frozen by coordinators, released by admins, exported as CSV, PDF and HTCDS."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.http import AuthedRequest
from audit.models import AccessLog
from core import pdf
from core.forms import attach_errors
from network import export, selectors, services
from network.forms import (
    FreezeForm,
)
from network.views._pages import (
    admin_only,
    coordinator_only,
    members,
    render_page,
)

# --- Quarterly reports -----------------------------------------------------------------------------------------


def _reports_page(request: AuthedRequest, form: FreezeForm) -> HttpResponse:
    context = {"form": form, "reports": selectors.reports(request.user)}
    return render_page(request, "network/reports.html", context, page="reports")


@members
@require_GET
def reports(request: AuthedRequest) -> HttpResponse:
    return _reports_page(request, FreezeForm())


@coordinator_only
@require_POST
def report_freeze(request: AuthedRequest) -> HttpResponse:
    form = FreezeForm(request.POST)
    if form.is_valid():
        try:
            report = services.report_freeze(actor=request.user, period=form.cleaned_data["period"], request=request)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("The report for %(period)s is frozen.") % {"period": report.period})
            return redirect("network:report_detail", report_id=report.pk)
    return _reports_page(request, form)


@members
@require_GET
def report_detail(request: AuthedRequest, report_id: str) -> HttpResponse:
    report = selectors.get_report_for(request.user, report_id)
    context = {"report": report, "figures": selectors.report_figures(report)}
    return render_page(request, "network/report_detail.html", context, page=f"report:{report.period}")


@members
@require_GET
def report_csv(request: AuthedRequest, report_id: str) -> HttpResponse:
    report = selectors.get_report_for(request.user, report_id)
    services.record_view(
        actor=request.user, request=request, page=f"report_csv:{report.period}", event=AccessLog.Event.REPORT_EXPORTED
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="jejaring-{report.period}.csv"'
    writer = csv.writer(response)
    writer.writerow(["period", "key", "label", "value", "k", "rounding", "content_sha256", "status"])
    for figure in selectors.report_figures(report):
        writer.writerow(
            [
                report.period,
                figure.key,
                figure.label,
                figure.value,
                report.k,
                report.rounding,
                report.content_hash,
                report.status,
            ]
        )
    return response


@members
@require_GET
def report_pdf(request: AuthedRequest, report_id: str) -> HttpResponse:
    """The printable page as a PDF (core/pdf.py): the same figures, in the reader's language, logged as an export."""
    report = selectors.get_report_for(request.user, report_id)
    services.record_view(
        actor=request.user, request=request, page=f"report_pdf:{report.period}", event=AccessLog.Event.REPORT_EXPORTED
    )
    context = {"report": report, "figures": selectors.report_figures(report)}
    content = pdf.render("network/report_pdf.html", context, request=request)
    return pdf.response(content, filename=f"jejaring-{report.reference.lower()}.pdf")


@admin_only
@require_POST
def report_release(request: AuthedRequest, report_id: str) -> HttpResponse:
    report = selectors.get_report_for(request.user, report_id)
    try:
        services.report_release(actor=request.user, report=report, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The report is released."))
    return redirect("network:report_detail", report_id=report.pk)


@coordinator_only
@require_GET
def htcds_export(request: AuthedRequest) -> HttpResponse:
    """The HTCDS-shaped, k-anonymised export of statistics-consented cases (for contributing to CTDC)."""
    services.record_view(actor=request.user, request=request, page="htcds_csv", event=AccessLog.Event.REPORT_EXPORTED)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="jejaring-htcds.csv"'
    writer = csv.writer(response)
    header, rows = export.htcds_rows(k=selectors.rule().k)
    writer.writerow(header)
    writer.writerows(rows)
    return response
