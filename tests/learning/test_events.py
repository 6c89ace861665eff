"""Learning events: recorded by coordinators, linked both ways to what came out of them, participants shown as a
count and provinces."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from learning import services
from tests.learning.test_recommendations import draft_recommendation

pytestmark = pytest.mark.django_db


def test_an_event_links_its_outputs_both_ways(client_for, alice, bob, carol, org_a, org_b, org_c, published):
    recommendation = services.recommendation_open(actor=alice, recommendation=draft_recommendation(alice))
    response = client_for(carol).post(
        reverse("learning:event_create"),
        {
            "title": "Forum Belajar Bersama Triwulan I (rekaan)",
            "date": "2026-03-10",
            "place": "Kupang",
            "province": "53",
            "agenda": "1. Pembukaan\n2. Berbagi praktik baik",
            "organisations": [org_a.pk, org_b.pk, org_c.pk],
            "practices": [published.pk],
            "recommendations": [recommendation.pk],
        },
    )
    assert response.status_code == 302
    event = published.events.get()
    page = client_for(bob).get(reverse("learning:event_detail", args=[event.pk])).content.decode()
    assert "3 organisasi" in page or "3 organisations" in page
    assert "Nusa Tenggara Timur" in page and "DI Yogyakarta" in page and "Nusa Tenggara Barat" in page
    assert "Organisasi A (fiktif)" not in page, "who took part is not listed, only how many and from where"
    assert published.title in page and recommendation.title in page
    practice_page = client_for(bob).get(reverse("learning:practice_detail", args=[published.pk])).content.decode()
    assert event.title in practice_page
    rec_page = client_for(bob).get(reverse("learning:recommendation_detail", args=[recommendation.pk])).content.decode()
    assert event.title in rec_page
    assert event.history.first().history_user == carol


def test_only_coordinators_record_events(alice, dave):
    for who in (alice, dave):
        with pytest.raises(PermissionDenied):
            services.event_create(actor=who, title="x", date=date(2026, 1, 1), place="x")


def test_a_bad_date_is_shown_beside_the_field(client_for, carol):
    response = client_for(carol).post(
        reverse("learning:event_create"), {"title": "Forum (rekaan)", "date": "x", "place": "Kupang"}
    )
    page = response.content.decode()
    assert response.status_code == 200 and 'id="id_date_error"' in page and "Forum (rekaan)" in page
