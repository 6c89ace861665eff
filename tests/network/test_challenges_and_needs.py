"""Challenges and posted needs: who may report, post and moderate, what the network sees, expiry, offers of help."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from network import selectors, services
from network.disclosure import Period
from network.models import Aggregate, Challenge, ModerationState, PostedNeed
from notifications import reminders
from notifications.models import Notification

pytestmark = pytest.mark.django_db
QUARTER = Period.quarter_of(date.today()).code


def report(user, **overrides):
    data = {
        "category": "no_shelter",
        "province": "53",
        "period": QUARTER,
        "description": "Rumah aman penuh sepanjang kuartal. (rekaan)",
        "named": False,
        **overrides,
    }
    return services.challenge_report(actor=user, **data)


def post_need(user, **overrides):
    data = {
        "service": "shelter",
        "province": "53",
        "urgency": "high",
        "expires_on": date.today() + timedelta(days=7),
        "text": "Butuh rumah aman untuk dua orang minggu ini. (rekaan)",
        **overrides,
    }
    return services.need_post(actor=user, **data)


# --- Challenges ------------------------------------------------------------------------------------------------


def test_a_caseworker_reports_through_the_page_and_nothing_typed_is_lost(client_for, alice):
    client = client_for(alice)
    bad = client.post(reverse("network:challenge_report"), {"category": "no_shelter", "description": "Teks saya"})
    assert bad.status_code == 200
    assert "Teks saya" in bad.content.decode() and "invalid-feedback" in bad.content.decode()
    good = client.post(
        reverse("network:challenge_report"),
        {"category": "no_shelter", "province": "53", "period": QUARTER, "description": "Tidak ada rumah aman."},
    )
    assert good.status_code == 302
    challenge = Challenge.objects.get()
    assert challenge.state == ModerationState.PENDING and challenge.organisation == alice.organisation
    assert challenge.history.first().history_user == alice


def test_only_caseworkers_report_and_only_coordinators_moderate(client_for, alice, carol, dave):
    assert client_for(carol).post(reverse("network:challenge_report"), {}).status_code == 403
    assert client_for(dave).post(reverse("network:challenge_report"), {}).status_code == 403
    challenge = report(alice)
    url = reverse("network:challenge_moderate", args=[challenge.pk])
    assert client_for(alice).post(url, {"decision": "approve"}).status_code == 403
    assert client_for(dave).post(url, {"decision": "approve"}).status_code == 403
    with pytest.raises(PermissionDenied):
        services.challenge_moderate(actor=alice, challenge=challenge, approve=True)


def test_a_rejection_needs_a_reason_and_pending_challenges_are_not_shown(client_for, alice, bob, carol):
    challenge = report(alice, description="RAHASIA-MENUNGGU")
    assert "RAHASIA-MENUNGGU" not in client_for(bob).get(reverse("network:challenges")).content.decode()
    assert "RAHASIA-MENUNGGU" in client_for(carol).get(reverse("network:challenges")).content.decode()
    url = reverse("network:challenge_moderate", args=[challenge.pk])
    client_for(carol).post(url, {"decision": "reject", "reason": ""})
    challenge.refresh_from_db()
    assert challenge.state == ModerationState.PENDING
    client_for(carol).post(url, {"decision": "reject", "reason": "Terlalu rinci."})
    challenge.refresh_from_db()
    assert challenge.state == ModerationState.REJECTED and challenge.moderated_by == carol
    assert challenge.history.first().history_user == carol
    assert client_for(carol).post(url, {"decision": "approve"}).status_code == 404  # already moderated
    with pytest.raises(ValidationError):
        services.challenge_moderate(actor=carol, challenge=challenge, approve=True)


def test_approved_challenges_show_the_organisation_only_if_it_chose_so(client_for, alice, bob, carol):
    anonymous = report(alice, description="Tanpa nama organisasi.")
    named = report(bob, description="Dengan nama organisasi.", named=True)
    for challenge in (anonymous, named):
        services.challenge_moderate(actor=carol, challenge=challenge, approve=True)
    html = client_for(carol).get(reverse("network:challenges")).content.decode()
    approved = html.split('data-testid="challenges-approved"')[1].split("</ul>")[0]
    assert "Tanpa nama organisasi." in approved and "Dengan nama organisasi." in approved
    assert bob.organisation.name in approved
    assert alice.organisation.name not in approved


def test_the_map_counts_organisations_reporting_under_the_rule(alice, bob, carol, refresh):
    for user in (alice, bob):
        services.challenge_moderate(actor=carol, challenge=report(user), approve=True)
        services.challenge_moderate(actor=carol, challenge=report(user), approve=True)  # the same org twice
    refresh()
    row = Aggregate.objects.get(period=QUARTER, table="challenges", row="53", col="no_shelter")
    assert row.count == 2  # organisations, not reports
    view = selectors.map_view("challenges", "no_shelter", Period.parse(QUARTER))
    assert str(next(p for p in view.provinces if p.code == "53").figure) == "<11"


# --- Posted needs ----------------------------------------------------------------------------------------------


def test_a_need_is_moderated_then_shown_then_expires(client_for, alice, bob, carol):
    need = post_need(alice, text="PERLU-RUMAH-AMAN")
    assert "PERLU-RUMAH-AMAN" not in client_for(bob).get(reverse("network:needs")).content.decode()
    client_for(carol).post(reverse("network:need_moderate", args=[need.pk]), {"decision": "approve"})
    need.refresh_from_db()
    assert need.state == ModerationState.APPROVED
    assert "PERLU-RUMAH-AMAN" in client_for(bob).get(reverse("network:needs")).content.decode()
    PostedNeed.objects.filter(pk=need.pk).update(expires_on=date.today() - timedelta(days=1))
    assert "PERLU-RUMAH-AMAN" not in client_for(bob).get(reverse("network:needs")).content.decode()
    assert client_for(bob).post(reverse("network:need_offer", args=[need.pk])).status_code == 404


def test_a_need_cannot_expire_in_the_past_or_beyond_90_days(client_for, alice):
    with pytest.raises(ValidationError):
        post_need(alice, expires_on=date.today() - timedelta(days=1))
    response = client_for(alice).post(
        reverse("network:need_post"),
        {"service": "shelter", "province": "53", "urgency": "high", "text": "Teks saya",
         "expires_on": (date.today() + timedelta(days=200)).isoformat()},
    )  # fmt: skip
    assert response.status_code == 200 and "Teks saya" in response.content.decode()
    assert "90" in response.content.decode()
    assert not PostedNeed.objects.exists()


def test_another_organisation_offers_help_and_the_poster_is_told(client_for, alice, anna, bob, carol):
    need = post_need(alice)
    services.need_moderate(actor=carol, need=need, approve=True)
    assert client_for(anna).post(reverse("network:need_offer", args=[need.pk])).status_code == 403  # own org
    assert client_for(carol).post(reverse("network:need_offer", args=[need.pk])).status_code == 403
    response = client_for(bob).post(reverse("network:need_offer", args=[need.pk]))
    assert response.status_code == 302
    assert need.offers.get().organisation == bob.organisation
    client_for(bob).post(reverse("network:need_offer", args=[need.pk]))
    assert need.offers.count() == 1
    reminders.dispatch(send_email=False)
    told = Notification.objects.filter(kind="network.need_offered")
    assert {n.recipient for n in told} == {alice, anna}
    assert told.filter(recipient=alice).get().params["helper"] == bob.organisation.code


def test_a_rejected_need_is_not_shown_and_cannot_be_answered(alice, bob, carol):
    need = post_need(alice)
    services.need_moderate(actor=carol, need=need, approve=False, reason="Mengandung data pribadi.")
    assert not selectors.open_needs().exists()
    with pytest.raises(ValidationError):
        services.need_offer(actor=bob, need=need)
