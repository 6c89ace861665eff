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


# --- Challenges of the network's register ------------------------------------------------------------------------


def _challenge(reporter, *, state="approved", named=False, text="Rumah aman penuh sepanjang triwulan. (rekaan)"):
    from network.models import Challenge

    return Challenge.objects.create(
        organisation=reporter.organisation,
        reported_by=reporter,
        category="no_shelter",
        province="53",
        period="2026-Q1",
        description=text,
        named=named,
        state=state,
    )


def _post(client, **extra):
    data = {"title": "Forum Belajar Bersama (rekaan)", "date": "2026-03-10", "place": "Kupang", **extra}
    return client.post(reverse("learning:event_create"), data)


def test_an_event_links_approved_challenges_both_ways(client_for, alice, bob, cecep, carol, dave, org_a):
    hidden = _challenge(alice)
    named = _challenge(bob, named=True, text="Biaya pemulangan tidak ditanggung. (rekaan)")
    response = _post(client_for(carol), challenges=[hidden.pk, named.pk])
    assert response.status_code == 302
    from learning.models import LearningEvent

    event = LearningEvent.objects.get()
    assert set(event.challenges.all()) == {hidden, named}
    history = event.history.first()
    assert history.history_user == carol and {c.challenge_id for c in history.challenges.all()} == {hidden.pk, named.pk}
    for reader in (alice, cecep, dave):
        page = client_for(reader).get(reverse("learning:event_detail", args=[event.pk])).content.decode()
        section = page.split('data-testid="event-challenges"', 1)[1].split("</ul>", 1)[0]
        assert "Rumah aman penuh" in section and "Biaya pemulangan" in section and "2026-Q1" in section
        assert org_a.name not in section and org_a.code not in section, "shown without the organisation unless named"
        assert bob.organisation.name in section, "the organisation that chose to be named is named"
    # The register, in network, shows the event each challenge came out of (through network.hooks).
    register = client_for(cecep).get(reverse("network:challenges"), {"period": "2026-Q1"}).content.decode()
    detail = reverse("learning:event_detail", args=[event.pk])
    assert register.count(detail) == 2 and "Forum Belajar Bersama (rekaan)" in register
    # The edit form keeps the links it was opened with.
    form = client_for(carol).get(reverse("learning:event_edit", args=[event.pk])).content.decode()
    import re

    boxes = re.findall(r'<input type="checkbox" name="challenges" value="([^"]+)"[^>]*>', form)
    assert {str(hidden.pk), str(named.pk)} <= set(boxes)
    assert all("checked" in tag for tag in re.findall(r'<input type="checkbox" name="challenges"[^>]*>', form))
    labels = form.split('name="challenges"', 1)[1].split("</fieldset>", 1)[0]
    assert "Rumah aman penuh" in labels and org_a.name not in labels and bob.organisation.name not in labels


@pytest.mark.parametrize("state", ["pending", "rejected"])
def test_a_pending_or_rejected_challenge_is_refused_with_a_message(client_for, alice, carol, state):
    challenge = _challenge(alice, state=state)
    response = _post(client_for(carol), challenges=[challenge.pk])
    page = response.content.decode()
    assert response.status_code == 200 and "Forum Belajar Bersama (rekaan)" in page
    assert "Hanya tantangan yang disetujui" in page
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        services.event_create(
            actor=carol, title="Forum (rekaan)", date=date(2026, 3, 10), place="Kupang", challenges=[challenge]
        )
    assert "challenges" in refused.value.message_dict


def test_only_coordinators_link_challenges(client_for, alice, bob, dave):
    challenge = _challenge(bob)
    for who in (alice, dave):
        assert _post(client_for(who), challenges=[challenge.pk]).status_code == 403
        with pytest.raises(PermissionDenied):
            services.event_create(actor=who, title="x", date=date(2026, 1, 1), place="x", challenges=[challenge])


def test_the_register_without_events_shows_no_origins(client_for, alice, cecep):
    _challenge(alice)
    register = client_for(cecep).get(reverse("network:challenges"), {"period": "2026-Q1"}).content.decode()
    assert "Rumah aman penuh" in register and 'data-testid="challenge-origins"' not in register
