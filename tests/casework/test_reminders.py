"""The casework reminder rules, with a frozen clock."""

from datetime import date, datetime, time, timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from casework import services
from casework.reminders import FOLLOW_UP_DUE, FOLLOW_UP_OVERDUE, INACTIVE
from notifications import reminders
from notifications.models import Delivery, Notification, Reminder
from tests.cases import MARKERS, open_case

pytestmark = pytest.mark.django_db

DAY = date(2026, 12, 7)  # a Monday


def at(day, hour=8, minute=1):
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


@pytest.fixture
def case(alice, anna):
    with time_machine.travel(at(DAY - timedelta(days=10), 10), tick=False):
        return open_case(alice, next_follow_up=DAY)


def kinds_for(user):
    return list(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


def test_not_yet_due_nothing_is_sent(case, alice):
    with time_machine.travel(at(DAY, 7, 59), tick=False):
        result = reminders.dispatch()
    assert result.reminders_sent == 0
    assert kinds_for(alice) == []


def test_due_the_assigned_caseworker_is_told_in_app_and_by_email(case, alice, anna):
    with time_machine.travel(at(DAY), tick=False):
        result = reminders.dispatch()
    assert result.reminders_sent == 1
    assert kinds_for(alice) == [FOLLOW_UP_DUE]
    assert kinds_for(anna) == [], "the assigned caseworker first; colleagues only on escalation"
    [email] = mail.outbox
    assert email.to == ["alice@test.jejaring.invalid"]
    assert case.reference in email.subject and case.reference in email.body
    assert f"/cases/{case.pk}/" in email.body
    assert "Pemantauan" in email.subject or "pemantauan" in email.body.lower()


def test_a_follow_up_recorded_before_the_date_cancels_the_reminder_and_schedules_the_next(case, alice):
    with time_machine.travel(at(DAY - timedelta(days=1), 15), tick=False):
        services.note_add(actor=alice, case=case, body="Sudah ditelepon.", is_follow_up=True)
    case.refresh_from_db()
    assert case.next_follow_up == DAY - timedelta(days=1) + timedelta(days=14), "medium risk: every 2 weeks"
    with time_machine.travel(at(DAY), tick=False):
        assert reminders.dispatch().reminders_sent == 0
    assert Reminder.objects.get(kind=FOLLOW_UP_DUE, state="pending").params["date"] == case.next_follow_up.isoformat()


def test_recording_the_follow_up_clears_the_notification_and_the_escalation(case, alice, anna):
    with time_machine.travel(at(DAY), tick=False):
        reminders.dispatch()
    assert Reminder.objects.filter(kind=FOLLOW_UP_OVERDUE, state="pending").count() == 1
    with time_machine.travel(at(DAY, 10), tick=False):
        services.note_add(actor=alice, case=case, body="Kontak.", is_follow_up=True)
    assert Notification.objects.get(recipient=alice).read_at is not None
    assert not Reminder.objects.filter(kind=FOLLOW_UP_OVERDUE, state="pending").exists()
    with time_machine.travel(at(DAY + timedelta(days=5)), tick=False):
        reminders.dispatch()
    assert kinds_for(anna) == []


def test_an_overdue_follow_up_escalates_to_the_other_caseworkers(case, alice, anna, bob):
    with time_machine.travel(at(DAY), tick=False):
        reminders.dispatch()
    with time_machine.travel(at(DAY + timedelta(days=2), 23, 59), tick=False):
        reminders.dispatch()
    assert kinds_for(anna) == []
    with time_machine.travel(at(DAY + timedelta(days=3)), tick=False):
        reminders.dispatch()
    assert kinds_for(anna) == [FOLLOW_UP_OVERDUE]
    assert kinds_for(alice) == [FOLLOW_UP_DUE]
    assert kinds_for(bob) == [], "never another organisation"


def test_a_restricted_case_reminds_only_the_named_caseworkers(alice, anna):
    with time_machine.travel(at(DAY - timedelta(days=10), 10), tick=False):
        case = open_case(alice, restricted=True, named=[alice], next_follow_up=DAY)
    with time_machine.travel(at(DAY + timedelta(days=3)), tick=False):
        reminders.dispatch()
        reminders.dispatch()
    assert kinds_for(anna) == []
    assert sorted(kinds_for(alice)) == [FOLLOW_UP_DUE, FOLLOW_UP_OVERDUE], (
        "with no colleague named, it comes back to her"
    )
    assert case.is_restricted


def test_closing_the_case_cancels_its_reminders(case, alice):
    services.case_close(actor=alice, case=case, expected_version=case.version, reason="goals_met")
    with time_machine.travel(at(DAY + timedelta(days=40)), tick=False):
        reminders.dispatch()
    assert kinds_for(alice) == []


def test_an_inactive_case_reminds_its_caseworker_once(case, alice):
    quiet_day = DAY - timedelta(days=10) + timedelta(days=31)
    with time_machine.travel(at(quiet_day - timedelta(days=2)), tick=False):
        reminders.dispatch(send_email=False)
    assert INACTIVE not in kinds_for(alice)
    with time_machine.travel(at(quiet_day, 9), tick=False):
        reminders.dispatch(send_email=False)
        reminders.dispatch(send_email=False)
    assert kinds_for(alice).count(INACTIVE) == 1
    with time_machine.travel(at(quiet_day, 10), tick=False):
        services.note_add(actor=alice, case=case, body="Ada kabar.")
    assert Notification.objects.get(recipient=alice, kind=INACTIVE).read_at is not None
    with time_machine.travel(at(quiet_day + timedelta(days=31), 11), tick=False):
        reminders.dispatch(send_email=False)
    assert kinds_for(alice).count(INACTIVE) == 2


def test_the_rhythm_follows_the_risk_level(alice):
    with time_machine.travel(at(DAY, 9), tick=False):
        high = open_case(alice, risk_level="high")
        low = open_case(alice, risk_level="low")
    assert high.next_follow_up == DAY + timedelta(days=2)
    assert low.next_follow_up == date(2026, 12, 21), "10 working days"


def test_dispatching_twice_delivers_once(case, alice):
    with time_machine.travel(at(DAY), tick=False):
        reminders.dispatch()
        reminders.dispatch()
    assert Delivery.objects.count() == 1
    assert len(mail.outbox) == 1


def test_a_failed_email_is_retried_with_backoff_without_a_second_notification(case, alice, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2  # nothing listens there
    with time_machine.travel(at(DAY), tick=False):
        result = reminders.dispatch()
    assert result.emails_failed == 1
    delivery = Delivery.objects.get()
    assert delivery.email_state == "pending" and delivery.email_attempts == 1
    assert delivery.email_last_error and MARKERS["name"] not in delivery.email_last_error
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with time_machine.travel(at(DAY, 8, 2), tick=False):
        assert reminders.dispatch().emails_sent == 0, "not before the backoff"
    with time_machine.travel(at(DAY, 8, 4), tick=False):
        assert reminders.dispatch().emails_sent == 1
    assert Notification.objects.filter(recipient=alice).count() == 1
    assert len(mail.outbox) == 1


def test_a_user_can_turn_off_email_for_a_kind(case, alice, client_for):
    client = client_for(alice)
    client.post("/notifications/email/", {"email": []})
    with time_machine.travel(at(DAY), tick=False):
        reminders.dispatch()
    assert kinds_for(alice) == [FOLLOW_UP_DUE]
    assert mail.outbox == []
    assert Delivery.objects.get().email_state == "skipped"
