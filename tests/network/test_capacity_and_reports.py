"""Capacity statuses (staleness reminders, reassignment suggestions), quarterly reports (freezing, release, CSV,
the figures API) and the k-anonymised HTCDS export."""

from __future__ import annotations

import csv
import io
from collections import Counter
from datetime import date, timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessLog
from casework.choices import AgeBand, ExploitationType, Gender
from network import export, selectors, services
from network.disclosure import Period
from network.models import CapacityStatus, QuarterlyReport
from notifications import reminders
from notifications.models import Notification
from tests.network.conftest import stat_cases

pytestmark = pytest.mark.django_db


# --- Capacity --------------------------------------------------------------------------------------------------


def test_a_caseworker_sets_a_service_of_their_own_organisation(client_for, cecep, alice, carol):
    response = client_for(cecep).post(reverse("network:capacity_set"), {"service": "shelter", "level": "full"})
    assert response.status_code == 302
    status = CapacityStatus.objects.get(organisation=cecep.organisation, service="shelter")
    assert status.level == "full" and status.history.first().history_user == cecep
    with pytest.raises(ValidationError):
        services.capacity_set(actor=cecep, service="medical", level="full")  # not offered by C
    assert (
        client_for(carol).post(reverse("network:capacity_set"), {"service": "shelter", "level": "full"}).status_code
        == 403
    )
    html = client_for(alice).get(reverse("network:capacity")).content.decode()
    bulletin = html.split('data-testid="bulletin-shelter"')[1].split("</table>")[0]
    assert cecep.organisation.name in bulletin and ("Penuh" in bulletin or "Full" in bulletin)


def test_a_stale_status_reminds_that_organisations_caseworkers_once(cecep, alice):
    services.capacity_set(actor=cecep, service="shelter", level="available")
    services.capacity_set(actor=cecep, service="legal_aid", level="limited")
    reminders.dispatch(send_email=False)
    stale = Notification.objects.filter(kind="network.capacity_stale")
    assert not stale.filter(recipient=cecep).exists()
    assert not stale.filter(recipient=alice).exists()  # organisation A never said anything: "not stated", no reminder
    with time_machine.travel(timezone.now() + timedelta(days=15)):
        reminders.dispatch(send_email=False)
        reminders.dispatch(send_email=False)
        assert selectors.capacity_of(cecep.organisation)[0]["stale"]
    assert stale.filter(recipient=cecep).count() == 1
    assert not stale.filter(recipient=alice).exists()
    services.capacity_set(actor=cecep, service="shelter", level="full")
    assert not selectors.capacity_of(cecep.organisation)[0]["stale"]


def test_full_organisations_come_last_in_reassignment_suggestions_and_say_so(client_for, referral, carol, cecep):
    from referrals import selectors as referral_selectors

    before = [org.code for org, _km, offers in referral_selectors.suggested_organisations(referral) if offers]
    assert before[0] == "ORGC"
    services.capacity_set(actor=cecep, service="shelter", level="full")
    suggestions = referral_selectors.suggested_organisations(referral)
    c = next(org for org, _km, _offers in suggestions if org.code == "ORGC")
    assert c.capacity_level == "full"
    html = client_for(carol).get(reverse("referrals:referral_reassign", args=[referral.pk])).content.decode()
    assert "text-bg-danger" in html


# --- Reports ---------------------------------------------------------------------------------------------------

CLOSED = Period.quarter_of(date.today() - timedelta(days=100))


@pytest.fixture
def quarter(alice, refresh):
    stat_cases(
        alice, 14, origin_province="53", intake=CLOSED.start, exploitation_types=[ExploitationType.FORCED_LABOUR]
    )
    stat_cases(alice, 2, origin_province="11", intake=CLOSED.start)
    refresh()
    return CLOSED


def test_a_coordinator_freezes_a_closed_quarter_and_an_admin_releases_it(client_for, quarter, carol, dave, alice):
    assert client_for(alice).post(reverse("network:report_freeze"), {"period": quarter.code}).status_code == 403
    response = client_for(carol).post(reverse("network:report_freeze"), {"period": quarter.code})
    assert response.status_code == 302
    report = QuarterlyReport.objects.get()
    assert report.status == "frozen" and report.k == 11 and report.rounding == 5
    assert report.content_hash == services.content_hash(report.figures)
    figures = {f.key: f.value for f in selectors.report_figures(report)}
    assert figures["origin.53"] == 15 and figures["origin.11"] == "<11" and figures["cases.total"] == 15
    assert figures["exploitation.forced_labour"] == 15
    assert AccessLog.objects.filter(event=AccessLog.Event.REPORT_FROZEN, object_id=report.pk).exists()
    # Caseworkers see a report only once released.
    assert client_for(alice).get(reverse("network:report_detail", args=[report.pk])).status_code == 404
    assert client_for(carol).post(reverse("network:report_release", args=[report.pk])).status_code == 403
    client_for(dave).post(reverse("network:report_release", args=[report.pk]))
    report.refresh_from_db()
    assert report.status == "released" and report.released_by == dave
    assert AccessLog.objects.filter(event=AccessLog.Event.REPORT_RELEASED, object_id=report.pk).exists()
    page = client_for(alice).get(reverse("network:report_detail", args=[report.pk]))
    assert page.status_code == 200 and 'data-key="origin.53"' in page.content.decode()
    with pytest.raises(ValidationError):
        services.report_release(actor=dave, report=report)


def test_only_a_closed_quarter_once(quarter, carol):
    with pytest.raises(ValidationError):
        services.report_freeze(actor=carol, period=Period.quarter_of(date.today()).code)
    with pytest.raises(ValidationError):
        services.report_freeze(actor=carol, period=str(date.today().year - 1))
    services.report_freeze(actor=carol, period=quarter.code)
    with pytest.raises(ValidationError):
        services.report_freeze(actor=carol, period=quarter.code)
    with pytest.raises(PermissionDenied):
        services.report_release(actor=carol, report=QuarterlyReport.objects.get())


def test_a_tampered_report_is_not_released(quarter, carol, dave):
    report = services.report_freeze(actor=carol, period=quarter.code)
    QuarterlyReport.objects.filter(pk=report.pk).update(figures={**report.figures, "k": 3})
    with pytest.raises(ValidationError):
        services.report_release(actor=dave, report=report)


def test_the_csv_holds_figures_without_organisations_and_is_logged(client_for, quarter, carol, org_a):
    report = services.report_freeze(actor=carol, period=quarter.code)
    response = client_for(carol).get(reverse("network:report_csv", args=[report.pk]))
    text = response.content.decode()
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:4] == ["period", "key", "label", "value"]
    assert any(r[1] == "origin.53" and r[3] == "15" for r in rows)
    assert org_a.code not in text and org_a.name not in text
    assert AccessLog.objects.filter(event=AccessLog.Event.REPORT_EXPORTED, detail__startswith="report_csv").exists()


# --- HTCDS export ----------------------------------------------------------------------------------------------


def test_the_htcds_export_is_k_anonymous_over_the_quasi_identifiers(alice, bob, client_for, carol):
    stat_cases(alice, 12, origin_province="53", age_band=AgeBand.ADULT_18_24, destination_country="MY",
               exploitation_types=[ExploitationType.FORCED_LABOUR])  # fmt: skip
    stat_cases(bob, 3, origin_province="33", age_band=AgeBand.CHILD_12_17, gender=Gender.MASCULINE,
               exploitation_types=[ExploitationType.SEXUAL_EXPLOITATION])  # fmt: skip
    stat_cases(bob, 2, consent=False, origin_province="53", age_band=AgeBand.ADULT_18_24, destination_country="MY")
    response = client_for(carol).get(reverse("network:htcds_export"))
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == export.HEADER
    body = rows[1:]
    groups = Counter(tuple(r[:5]) for r in body)
    assert groups and all(size >= 11 for size in groups.values())
    assert len(body) == 12  # the three small-group cases are left out; the unconsented ones never count
    assert AccessLog.objects.filter(event=AccessLog.Event.REPORT_EXPORTED, detail="htcds_csv").exists()
    assert client_for(alice).get(reverse("network:htcds_export")).status_code == 403


def test_the_htcds_export_generalises_before_it_suppresses():
    rows = [
        {"age_band": band, "gender": "feminine", "origin_province": province, "destination_country": "MY",
         "destination_province": "", "exploitation_types": ["forced_labour"], "trafficking_status": "confirmed"}
        for band in ("18_24", "25_34") for province in ("31", "32", "33", "34", "35", "36") for _ in range(2)
    ]  # fmt: skip
    out, level = export.anonymise(rows, 11)
    assert level == 1 and len(out) == 24  # adult, Jawa, Malaysia: one group of 24
    assert {tuple(r[:5]) for r in out} == {("Feminine", "Adult", "Jawa", "MY", "ForcedLabour")}


def test_the_pdf_carries_the_frozen_figures_without_organisations_and_is_logged(
    client_for, quarter, carol, alice, dave, org_a, monkeypatch
):
    from tests.pdf_text import capture, text_of

    report = services.report_freeze(actor=carol, period=quarter.code)
    url = reverse("network:report_pdf", args=[report.pk])
    assert client_for(alice).get(url).status_code == 404  # not released yet: caseworkers do not see it
    documents = capture(monkeypatch)
    response = client_for(carol).get(url)  # Bahasa Indonesia by default
    assert response.status_code == 200 and response.content.startswith(b"%PDF-")
    assert response["Content-Type"] == "application/pdf" and response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == f'attachment; filename="jejaring-report-{quarter.code.lower()}.pdf"'
    assert "no-store" in response["Cache-Control"]
    text = text_of(documents[-1])
    assert "Kasus dari Nusa Tenggara Timur" in text and " 15 " in f" {text} "  # origin.53, rounded as frozen
    assert "<11" in text  # origin.11 stays hidden
    assert report.content_hash in text.replace(" ", "")
    assert org_a.code not in text and org_a.name not in text
    entry = AccessLog.objects.get(event=AccessLog.Event.REPORT_EXPORTED, detail=f"report_pdf:{quarter.code}")
    assert entry.actor == carol
    # In English for an English reader.
    dave.language = "en"
    dave.save(update_fields=["language"])
    client_for(dave).get(url)
    assert "Cases from Nusa Tenggara Timur" in text_of(documents[-1])
    page = client_for(carol).get(reverse("network:report_detail", args=[report.pk])).content.decode()
    assert url in page
