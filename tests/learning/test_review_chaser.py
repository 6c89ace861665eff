"""The chaser: a practice waiting in review longer than JEJARING_PRACTICE_REVIEW_CHASE_DAYS reminds the coordinators,
once per practice and period, through the reminder outbox; the notice names the reference only."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone, translation

from learning import services
from learning.choices import CHECKLIST_KEYS
from notifications import inbox, reminders
from notifications.models import Notification
from tests.learning.conftest import write

pytestmark = pytest.mark.django_db
KIND = "learning.review_waiting"


def chased(user):
    return Notification.objects.filter(recipient=user, kind=KIND)


def test_a_practice_waiting_in_review_is_chased_once_per_period(alice, carol, dave):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        practice = services.practice_submit(actor=alice, practice=write(alice))
        reminders.dispatch(send_email=False)
    with time_machine.travel(start + timedelta(days=2, hours=23), tick=False):
        reminders.dispatch(send_email=False)
    assert not chased(carol).exists(), "not before three days"
    with time_machine.travel(start + timedelta(days=3, hours=1), tick=False):
        reminders.dispatch(send_email=False)
        reminders.dispatch(send_email=False)
    assert chased(carol).count() == 1, "once per period, however often the dispatcher runs"
    assert not chased(alice).exists() and not chased(dave).exists(), "coordinators only"
    with time_machine.travel(start + timedelta(days=5), tick=False):
        reminders.dispatch(send_email=False)
    assert chased(carol).count() == 1
    with time_machine.travel(start + timedelta(days=6, hours=1), tick=False):
        reminders.dispatch(send_email=False)
    assert chased(carol).count() == 2, "chased again after another period"
    notice = chased(carol).latest("id")
    assert notice.object_ref == practice.reference and notice.object_id == practice.pk
    assert practice.title not in str(notice.params) and alice.username not in str(notice.params)
    with translation.override("en"):
        text = inbox.render(notice)
    assert practice.reference in text and "6 days" in text and practice.title not in text
    assert inbox.target_url(notice).endswith(f"/learning/practices/{practice.pk}/")


def test_a_practice_reviewed_in_time_or_sent_back_is_not_chased(alice, carol, settings):
    settings.JEJARING_PRACTICE_REVIEW_CHASE_DAYS = 2
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        published = services.practice_submit(actor=alice, practice=write(alice))
        returned = services.practice_submit(actor=alice, practice=write(alice, title="Kedua (rekaan)"))
        services.practice_publish(actor=carol, practice=published, checklist=CHECKLIST_KEYS)
        services.practice_return(actor=carol, practice=returned)
    with time_machine.travel(start + timedelta(days=3), tick=False):
        reminders.dispatch(send_email=False)
    assert not chased(carol).exists()


def test_a_reminder_due_for_a_practice_reviewed_meanwhile_is_cancelled(alice, carol, settings):
    from learning.reminders import _scan_waiting
    from notifications.models import Reminder

    start = timezone.now()
    with time_machine.travel(start, tick=False):
        practice = services.practice_submit(actor=alice, practice=write(alice))
    later = start + timedelta(days=4)
    with time_machine.travel(later, tick=False):
        assert _scan_waiting(timezone.now()) == 1
        services.practice_publish(actor=carol, practice=practice, checklist=CHECKLIST_KEYS)
        reminders.dispatch(send_email=False)
    assert not chased(carol).exists()
    assert Reminder.objects.get(kind=KIND).state == Reminder.State.CANCELLED
