"""Referral chasers with a frozen clock: no answer by the deadline, twice the deadline, no update for 14 days."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from notifications import reminders
from notifications.models import Notification
from referrals import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def start():
    return timezone.now().replace(microsecond=0)


@pytest.fixture
def sent(alice, bob, case_a, org_b, start):
    with time_machine.travel(start, tick=False):
        referral = services.referral_send(
            actor=alice, case=case_a, to_org=org_b, services=["shelter"], urgency="urgent", reason="x"
        )
        reminders.dispatch(send_email=False)
    return referral


def kinds(user):
    return sorted(
        Notification.objects.filter(recipient=user, kind__startswith="referrals.").values_list("kind", flat=True)
    )


def test_no_answer_by_the_deadline_reminds_the_receiver_and_twice_escalates(sent, bob, carol, start):
    assert kinds(bob) == ["referrals.sent"]
    with time_machine.travel(start + timedelta(hours=71), tick=False):
        reminders.dispatch(send_email=False)
    assert kinds(bob) == ["referrals.sent"]
    with time_machine.travel(start + timedelta(hours=72, minutes=1), tick=False):
        reminders.dispatch(send_email=False)
    assert kinds(bob) == ["referrals.sent", "referrals.unanswered"]
    assert kinds(carol) == []
    with time_machine.travel(start + timedelta(hours=144, minutes=1), tick=False):
        reminders.dispatch(send_email=False)
    assert kinds(carol) == ["referrals.escalated"]


def test_an_answer_stops_the_chasers(sent, bob, carol, alice, start):
    with time_machine.travel(start + timedelta(hours=1), tick=False):
        services.referral_accept(actor=bob, referral=sent)
    with time_machine.travel(start + timedelta(hours=200), tick=False):
        reminders.dispatch(send_email=False)
    assert "referrals.unanswered" not in kinds(bob) and kinds(carol) == []
    assert Notification.objects.get(recipient=bob, kind="referrals.sent").read_at is not None
    assert kinds(alice) == ["referrals.accepted"]


def test_an_accepted_referral_without_updates_reminds_the_receiver_after_14_days(sent, bob, start):
    with time_machine.travel(start + timedelta(hours=1), tick=False):
        services.referral_accept(actor=bob, referral=sent)
    with time_machine.travel(start + timedelta(days=10), tick=False):
        services.referral_update(actor=bob, referral=sent, note="Masih di rumah aman.")
    with time_machine.travel(start + timedelta(days=15), tick=False):
        reminders.dispatch(send_email=False)
    assert "referrals.stale" not in kinds(bob), "the update restarted the 14 days"
    with time_machine.travel(start + timedelta(days=24, hours=1), tick=False):
        reminders.dispatch(send_email=False)
    assert kinds(bob).count("referrals.stale") == 1
