"""The dispatcher delivers each reminder exactly once, however often and however concurrently it runs."""

from datetime import timedelta

import pytest
from django.utils import timezone

from notifications import reminders
from notifications.models import Delivery, Notification, Reminder
from tests.threads import at_once

KIND = "test.ping"


@pytest.fixture
def ping_rule(alice, anna):
    """A rule of the test's own: every reminder goes to alice and anna."""
    reminders.register(reminders.Rule(kind=KIND, recipients=lambda batch: {r.pk: [alice, anna] for r in batch}))
    yield
    reminders._RULES.pop(KIND, None)


def make_due(count):
    now = timezone.now()
    Reminder.objects.bulk_create(
        Reminder(kind=KIND, due_at=now - timedelta(minutes=1), dedupe_key=str(n), object_ref=f"T-{n}")
        for n in range(count)
    )


@pytest.mark.django_db
def test_a_second_pass_delivers_nothing_more(ping_rule):
    make_due(30)
    first = reminders.dispatch(send_email=False)
    second = reminders.dispatch(send_email=False)
    assert (first.reminders_sent, second.reminders_sent) == (30, 0)
    assert Delivery.objects.count() == Notification.objects.count() == 60


@pytest.mark.django_db
def test_a_reminder_not_yet_due_waits(ping_rule):
    reminders.schedule(kind=KIND, due_at=timezone.now() + timedelta(minutes=5), dedupe_key="later")
    assert reminders.dispatch(send_email=False).reminders_sent == 0
    assert Reminder.objects.get().state == "pending"


@pytest.mark.django_db
def test_the_database_refuses_a_second_delivery(ping_rule, alice):
    from django.db import IntegrityError, transaction

    make_due(1)
    reminders.dispatch(send_email=False)
    delivery = Delivery.objects.filter(recipient=alice).get()
    with pytest.raises(IntegrityError), transaction.atomic():
        Delivery.objects.create(
            reminder=delivery.reminder,
            recipient=alice,
            notification=Notification.objects.create(recipient=alice, kind=KIND),
        )


@pytest.mark.django_db
def test_an_unknown_kind_is_left_pending_and_does_not_block_the_rest(ping_rule):
    make_due(3)
    Reminder.objects.create(kind="nobody.registered", due_at=timezone.now(), dedupe_key="x")
    result = reminders.dispatch(send_email=False, batch_size=2)
    assert result.reminders_sent == 3 and result.errors == ["nobody.registered"]
    assert Reminder.objects.get(kind="nobody.registered").state == "pending"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_dispatchers_running_at_once_deliver_each_reminder_once(ping_rule):
    make_due(400)
    results = []
    errors = at_once(
        lambda _n: results.append(reminders.dispatch(send_email=False, batch_size=50)), range(2), timeout=60
    )
    assert errors == []
    assert sum(r.reminders_sent for r in results) == 400
    assert Delivery.objects.count() == 800
    assert Reminder.objects.filter(state="sent").count() == 400
