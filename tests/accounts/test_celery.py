"""Reminders through a real Celery worker and the real Redis broker (PostgreSQL, so the worker thread sees what the
test committed). Nothing here is mocked: the broker is down in one test because nothing listens on its port."""

import base64
import contextlib
import json
import os
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from casework import services
from casework.reminders import FOLLOW_UP_DUE
from config.celery import app
from notifications import reminders
from notifications.models import Delivery, Reminder
from notifications.tasks import dispatch_reminders
from tests.cases import MARKERS

pytestmark = [pytest.mark.postgres, pytest.mark.services, pytest.mark.django_db(transaction=True)]

REDIS_URL = os.environ.get("JEJARING_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
DEAD_BROKER = "redis://127.0.0.1:6399/0"  # nothing listens there


def use_broker(url):
    app.conf.broker_url = url
    app.conf.broker_transport_options = {}
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def broker():
    previous = (app.conf.broker_url, app.conf.broker_transport_options)
    redis.Redis.from_url(REDIS_URL).flushdb()
    use_broker(REDIS_URL)
    yield redis.Redis.from_url(REDIS_URL)
    app.conf.broker_url, app.conf.broker_transport_options = previous
    app._pool = None
    app.amqp._producer_pool = None


@contextlib.contextmanager
def worker_process():
    """A real Celery worker in its own process, on the test database and the real Redis."""
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}",
        "CELERY_BROKER_URL": REDIS_URL,
        "JEJARING_MASTER_KEYS": ",".join(settings.JEJARING_MASTER_KEYS),
        "JEJARING_INDEX_KEY": settings.JEJARING_INDEX_KEY,
    }
    root = Path(__file__).resolve().parents[2]
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "config",
        "worker",
        "--pool=solo",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        "-l",
        "INFO",
    ]
    process = subprocess.Popen(command, cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        yield process
    finally:
        process.terminate()
        try:
            output, _ = process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            output, _ = process.communicate()
        for marker in MARKERS.values():
            assert marker not in output, "the worker logged personal data"


def wait_for(condition, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def case_due_now(alice):
    case = services.case_open(
        actor=alice,
        summary={"next_follow_up": timezone.localdate()},
        identity={"full_name": MARKERS["name"], "nik": MARKERS["nik"], "aliases": [MARKERS["alias"]]},
        contact={"phones": [MARKERS["phone"]], "address": MARKERS["address"]},
        narrative=MARKERS["narrative"],
    )
    services.note_add(actor=alice, case=case, body=MARKERS["note"])
    Reminder.objects.filter(kind=FOLLOW_UP_DUE, object_id=case.pk).update(due_at=timezone.now() - timedelta(minutes=1))
    return case


def queued_messages(client):
    """Every message waiting in the broker, decoded (headers and body)."""
    messages = []
    for key in client.keys("*"):
        if client.type(key) == b"list":
            for raw in client.lrange(key, 0, -1):
                envelope = json.loads(raw)
                body = base64.b64decode(envelope.get("body", "")).decode("utf-8", "replace")
                messages.append(json.dumps(envelope.get("headers", {})) + body)
    return messages


def test_a_due_reminder_is_delivered_by_a_real_worker_and_the_broker_carries_no_personal_data(broker, alice):
    case = case_due_now(alice)
    dispatch_reminders.delay()
    messages = queued_messages(broker)
    assert messages, "the task message is waiting in Redis"
    for message in messages:
        for marker in MARKERS.values():
            assert marker not in message
        assert str(case.pk) not in message and case.reference not in message, "the task carries no ids at all"
    with worker_process():
        assert wait_for(lambda: Delivery.objects.filter(reminder__object_id=case.pk, email_state="sent").exists())
    delivery = Delivery.objects.get(reminder__object_id=case.pk)
    assert delivery.recipient == alice and delivery.email_state == "sent"


def test_with_the_broker_down_reminders_wait_and_are_delivered_once_when_it_answers(broker, alice, caplog):
    use_broker(DEAD_BROKER)
    case = case_due_now(alice)
    # An event that queues the dispatcher must not fail the user's request when the broker is down...
    services.note_add(actor=alice, case=case, body="catatan saat broker mati", is_follow_up=False)
    reminders.notify_now(
        kind=FOLLOW_UP_DUE,
        dedupe_key=f"{case.pk}:extra",
        object_type="case",
        object_id=case.pk,
        object_ref=case.reference,
        params={"date": timezone.localdate().isoformat()},
    )
    # ...and leaves no flag that would keep the next event from queueing one...
    assert cache.get(reminders.KICK_KEY) is None
    # ...while the beat tick itself cannot queue anything.
    with pytest.raises(Exception):  # noqa: B017 - kombu's OperationalError, whatever its exact class
        dispatch_reminders.apply_async(retry=False)
    assert Reminder.objects.filter(object_id=case.pk, kind=FOLLOW_UP_DUE, state="pending").count() == 2
    assert not Delivery.objects.exists()

    use_broker(REDIS_URL)
    dispatch_reminders.delay()
    dispatch_reminders.delay()
    due = Reminder.objects.filter(object_id=case.pk, kind=FOLLOW_UP_DUE)
    with worker_process():
        assert wait_for(lambda: not due.filter(state="pending").exists())
        time.sleep(1)  # let the second task run too
    per_reminder = Delivery.objects.filter(reminder__object_id=case.pk).values_list("reminder_id", "recipient_id")
    assert sorted(per_reminder) == sorted(set(per_reminder)) and len(per_reminder) == 2, "each of the two, once"


def _notify(case, number):
    reminders.notify_now(
        kind=FOLLOW_UP_DUE,
        dedupe_key=f"{case.pk}:event-{number}",
        object_type="case",
        object_id=case.pk,
        object_ref=case.reference,
        params={"date": timezone.localdate().isoformat()},
    )


def test_events_while_a_dispatcher_is_queued_queue_no_other_and_the_next_after_it_started_queues_one(broker, alice):
    case = case_due_now(alice)
    broker.flushdb()
    cache.clear()
    for number in range(3):
        _notify(case, number)  # each commits on its own and asks for a dispatcher
    assert len(queued_messages(broker)) == 1, "one dispatcher queued for the three events"
    # The queued dispatcher runs (here, in this process, as the worker would): it delivers all three...
    result = reminders.dispatch(send_email=False)
    assert Reminder.objects.filter(object_id=case.pk, dedupe_key__contains="event-", state="sent").count() == 3
    assert result.reminders_sent >= 3
    # ...and an event after it started queues another, which delivers that one.
    _notify(case, 3)
    assert len(queued_messages(broker)) == 2
    with worker_process():
        assert wait_for(lambda: Reminder.objects.filter(dedupe_key=f"{case.pk}:event-3", state="sent").exists())
