"""Policy recommendations: the status flow, evidence, one endorsement per organisation, the brief and its log."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessLog
from learning import services
from learning.choices import Institution, RecommendationStatus
from learning.models import Endorsement

pytestmark = pytest.mark.django_db
S = RecommendationStatus


def draft_recommendation(author, **extra):
    fields = {
        "title": "Layanan terpadu di embarkasi (rekaan)",
        "problem": "Korban yang dipulangkan tidak **terdata**.",
        "recommendation": "Bentuk pos layanan terpadu.",
        "institution": Institution.KP2MI,
    }
    return services.recommendation_create(actor=author, **{**fields, **extra})


@pytest.fixture
def opened(alice):
    recommendation = draft_recommendation(alice)
    return services.recommendation_open(actor=alice, recommendation=recommendation)


def test_the_whole_flow_with_history(alice, bob, cecep, carol):
    recommendation = draft_recommendation(alice)
    services.recommendation_open(actor=alice, recommendation=recommendation)
    services.recommendation_endorse(actor=bob, recommendation=recommendation)
    services.recommendation_endorse(actor=cecep, recommendation=recommendation)
    today = timezone.localdate()
    services.recommendation_submit(
        actor=carol,
        recommendation=recommendation,
        submitted_on=today,
        submitted_to="Komisi IX DPR",
        submitted_how="letter",
    )
    services.recommendation_answer(actor=carol, recommendation=recommendation, answered_on=today, answer="Akan dikaji.")
    services.recommendation_decide(actor=carol, recommendation=recommendation, outcome=S.PARTLY_ADOPTED)
    recommendation.refresh_from_db()
    assert recommendation.status == S.PARTLY_ADOPTED and recommendation.answer == "Akan dikaji."
    statuses = [row.status for row in recommendation.history.order_by("history_date")]
    assert statuses == [S.DRAFT, S.OPEN, S.SUBMITTED, S.ANSWERED, S.PARTLY_ADOPTED]
    assert recommendation.history.first().history_user == carol
    assert [e.organisation.code for e in recommendation.endorsements.all()] == ["ORGB", "ORGC"]


def test_one_endorsement_per_organisation(alice, anna, opened):
    services.recommendation_endorse(actor=alice, recommendation=opened)
    with pytest.raises(ValidationError):
        services.recommendation_endorse(actor=anna, recommendation=opened)  # her colleague: the same organisation
    assert Endorsement.objects.filter(recommendation=opened).count() == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        Endorsement.objects.create(recommendation=opened, organisation=anna.organisation, given_by=anna)


def test_endorsements_only_while_open(alice, bob, dave):
    recommendation = draft_recommendation(alice)
    with pytest.raises(ValidationError):
        services.recommendation_endorse(actor=bob, recommendation=recommendation)
    services.recommendation_open(actor=alice, recommendation=recommendation)
    with pytest.raises(PermissionDenied):
        services.recommendation_endorse(actor=dave, recommendation=recommendation)  # admins do not endorse


def test_only_coordinators_submit_answer_and_decide(alice, bob, opened):
    for who in (alice, bob):
        with pytest.raises(PermissionDenied):
            services.recommendation_submit(
                actor=who, recommendation=opened, submitted_on=date.today(), submitted_to="x", submitted_how="letter"
            )


def test_dates_make_sense(carol, opened):
    with pytest.raises(ValidationError):
        services.recommendation_submit(
            actor=carol,
            recommendation=opened,
            submitted_on=timezone.localdate() + timedelta(days=3),
            submitted_to="x",
            submitted_how="letter",
        )
    services.recommendation_submit(
        actor=carol, recommendation=opened, submitted_on=timezone.localdate(), submitted_to="x", submitted_how="email"
    )
    with pytest.raises(ValidationError):
        services.recommendation_answer(
            actor=carol, recommendation=opened, answered_on=timezone.localdate() - timedelta(days=1), answer="x"
        )


def test_drafts_are_invisible_to_other_organisations(client_for, alice, bob, carol):
    recommendation = draft_recommendation(alice)
    url = reverse("learning:recommendation_detail", args=[recommendation.pk])
    assert client_for(alice).get(url).status_code == 200
    assert client_for(bob).get(url).status_code == 404
    assert client_for(carol).get(url).status_code == 404
    assert recommendation.title not in client_for(bob).get(reverse("learning:recommendations")).content.decode()
    services.recommendation_open(actor=alice, recommendation=recommendation)
    assert client_for(bob).get(url).status_code == 200


def test_practices_are_cited_as_evidence_once(client_for, alice, bob, opened, published):
    url = reverse("learning:evidence_add", args=[opened.pk])
    assert client_for(alice).post(url, {"practice": published.pk}).status_code == 302
    response = client_for(alice).post(url, {"practice": published.pk})
    assert response.status_code == 200 and 'id="evidence_practice_error"' in response.content.decode()
    assert opened.evidence.count() == 1
    with pytest.raises(PermissionDenied):
        services.evidence_add_practice(actor=bob, recommendation=opened, practice=published)
    page = client_for(bob).get(reverse("learning:recommendation_detail", args=[opened.pk])).content.decode()
    assert published.title in page


def test_a_draft_practice_cannot_be_cited(alice, opened, draft):
    with pytest.raises(ValidationError):
        services.evidence_add_practice(actor=alice, recommendation=opened, practice=draft)


def test_bad_submission_input_is_shown_beside_the_field(client_for, carol, opened):
    response = client_for(carol).post(
        reverse("learning:recommendation_submit", args=[opened.pk]),
        {"submitted_on": "bukan tanggal", "submitted_to": "Komisi IX", "submitted_how": "letter"},
    )
    page = response.content.decode()
    assert response.status_code == 200 and 'id="submit_submitted_on_error"' in page and "Komisi IX" in page
    opened.refresh_from_db()
    assert opened.status == S.OPEN


def test_the_brief_is_printable_and_each_export_is_logged(client_for, alice, bob, opened, published):
    services.evidence_add_practice(actor=alice, recommendation=opened, practice=published)
    services.recommendation_endorse(actor=bob, recommendation=opened)
    response = client_for(bob).get(reverse("learning:recommendation_brief", args=[opened.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "learning/print.css" in page and "data-print" in page and "<script>" not in page
    assert published.title in page and "Organisasi B (fiktif)" in page
    entry = AccessLog.objects.get(event=AccessLog.Event.BRIEF_EXPORTED)
    assert entry.actor == bob and entry.object_id == opened.pk and entry.object_ref == opened.reference


def test_the_brief_of_another_organisations_draft_is_a_404(client_for, alice, bob):
    recommendation = draft_recommendation(alice)
    assert client_for(bob).get(reverse("learning:recommendation_brief", args=[recommendation.pk])).status_code == 404
    assert not AccessLog.objects.filter(event=AccessLog.Event.BRIEF_EXPORTED).exists()


# --- Evidence from the network: frozen report figures and approved challenges ------------------------------------


@pytest.fixture
def released_report(carol):
    from network.models import QuarterlyReport

    return QuarterlyReport.objects.create(
        period="2026-Q3",
        frozen_by=carol,
        k=11,
        rounding=5,
        figures={"figures": {"cases.total": 125, "origin.53": "<11"}},
        content_hash="0" * 64,
        status=QuarterlyReport.Status.RELEASED,
    )


@pytest.fixture
def approved_challenge(bob, carol):
    from network.models import Challenge, ModerationState

    return Challenge.objects.create(
        organisation=bob.organisation,
        reported_by=bob,
        category=Challenge._meta.get_field("category").choices[0][0],
        province="53",
        period="2026-Q3",
        description="Rumah aman penuh sepanjang triwulan. (rekaan)",
        state=ModerationState.APPROVED,
    )


def test_a_report_figure_is_cited_as_report_and_key_with_a_frozen_copy(client_for, alice, bob, opened, released_report):
    url = reverse("learning:evidence_add", args=[opened.pk])
    response = client_for(alice).post(url, {"source": "figure", "figure": f"{released_report.pk}|cases.total"})
    assert response.status_code == 302
    evidence = opened.evidence.get()
    assert (evidence.kind, evidence.source_id, evidence.key) == (
        "report_figure",
        str(released_report.pk),
        "cases.total",
    )
    assert evidence.frozen_value == "125" and evidence.frozen_source == "2026-Q3" and evidence.frozen_label
    # The report changing afterwards does not change what the brief shows.
    released_report.figures = {"figures": {"cases.total": 999}}
    released_report.save()
    brief = client_for(bob).get(reverse("learning:recommendation_brief", args=[opened.pk])).content.decode()
    # Compared where the figure is written: "999" may occur by chance in a token or an id elsewhere on the page.
    assert "<strong>125</strong>" in brief and "<strong>999</strong>" not in brief
    with pytest.raises(ValidationError):
        services.evidence_add_figure(actor=alice, recommendation=opened, report=released_report, key="cases.total")


def test_a_hidden_figure_stays_hidden_and_unknown_keys_are_refused(alice, opened, released_report):
    released_report.figures = {"figures": {"origin.53": "<11"}}
    released_report.save()
    evidence = services.evidence_add_figure(actor=alice, recommendation=opened, report=released_report, key="origin.53")
    assert evidence.frozen_value == "<11"
    with pytest.raises(ValidationError):
        services.evidence_add_figure(actor=alice, recommendation=opened, report=released_report, key="no.such")


def test_only_released_reports_are_cited(alice, opened, released_report):
    released_report.status = "frozen"
    released_report.save()
    with pytest.raises(ValidationError):
        services.evidence_add_figure(actor=alice, recommendation=opened, report=released_report, key="cases.total")


def test_an_approved_challenge_is_cited(client_for, alice, bob, opened, approved_challenge):
    url = reverse("learning:evidence_add", args=[opened.pk])
    assert client_for(alice).post(url, {"source": "challenge", "challenge": approved_challenge.pk}).status_code == 302
    evidence = opened.evidence.get()
    assert evidence.kind == "challenge" and evidence.source_id == str(approved_challenge.pk)
    page = client_for(bob).get(reverse("learning:recommendation_brief", args=[opened.pk])).content.decode()
    assert "Rumah aman penuh" in page
    with pytest.raises(ValidationError):
        services.evidence_add_challenge(actor=alice, recommendation=opened, challenge=approved_challenge)


def test_an_unapproved_challenge_is_not_offered(client_for, alice, opened, approved_challenge):
    approved_challenge.state = "pending"
    approved_challenge.save()
    response = client_for(alice).post(
        reverse("learning:evidence_add", args=[opened.pk]), {"source": "challenge", "challenge": approved_challenge.pk}
    )
    assert response.status_code == 200 and 'id="challenge_challenge_error"' in response.content.decode()
    assert not opened.evidence.exists()


def test_the_brief_as_pdf_carries_the_frozen_figures_and_is_logged(
    client_for, alice, bob, opened, released_report, monkeypatch
):
    from tests.pdf_text import capture, text_of

    released_report.figures = {"figures": {"cases.total": 125, "origin.53": "<11"}}
    released_report.save()
    services.evidence_add_figure(actor=alice, recommendation=opened, report=released_report, key="cases.total")
    services.evidence_add_figure(actor=alice, recommendation=opened, report=released_report, key="origin.53")
    services.recommendation_endorse(actor=bob, recommendation=opened)
    documents = capture(monkeypatch)
    url = reverse("learning:recommendation_brief_pdf", args=[opened.pk])
    response = client_for(bob).get(url)
    assert response.status_code == 200 and response.content.startswith(b"%PDF-")
    assert response["Content-Type"] == "application/pdf" and response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == f'attachment; filename="jejaring-{opened.reference.lower()}.pdf"'
    assert "no-store" in response["Cache-Control"]
    text = text_of(documents[-1])
    assert opened.title in text and "125" in text and "<11" in text and "Organisasi B (fiktif)" in text
    assert "Ringkasan kebijakan jaringan Jejaring" in text or opened.reference in text
    entry = AccessLog.objects.get(event=AccessLog.Event.BRIEF_EXPORTED)
    assert entry.actor == bob and entry.object_id == opened.pk
    page = client_for(bob).get(reverse("learning:recommendation_brief", args=[opened.pk])).content.decode()
    assert url in page


def test_the_pdf_of_another_organisations_draft_is_a_404(client_for, alice, bob):
    recommendation = draft_recommendation(alice)
    url = reverse("learning:recommendation_brief_pdf", args=[recommendation.pk])
    assert client_for(bob).get(url).status_code == 404
    assert client_for(alice).get(url).status_code == 200
    assert AccessLog.objects.filter(event=AccessLog.Event.BRIEF_EXPORTED).count() == 1
