from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessLog
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def signed_in(client, username="alice"):
    client.post(reverse("accounts:login"), {"username": username, "password": PASSWORD})
    return client


def test_a_session_ends_after_the_idle_timeout(client, alice, settings):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        signed_in(client)
        clock.move_to(start + settings.IDLE_TIMEOUT - timedelta(minutes=1))
        assert client.get(reverse("home")).status_code == 200
        clock.move_to(start + 2 * settings.IDLE_TIMEOUT - timedelta(minutes=2))
        assert client.get(reverse("home")).status_code == 200, "activity keeps the session alive"
        clock.move_to(start + 3 * settings.IDLE_TIMEOUT)
        response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert AccessLog.objects.filter(event=AccessLog.Event.SIGNED_OUT, actor=alice, detail="idle_timeout").exists()


def test_the_idle_timeout_is_configurable(client, alice, settings):
    settings.IDLE_TIMEOUT = timedelta(minutes=5)
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        signed_in(client)
        clock.move_to(start + timedelta(minutes=6))
        assert client.get(reverse("home")).status_code == 302


def test_a_session_ends_after_its_absolute_lifetime_even_when_active(client, alice, settings):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        signed_in(client)
        now = start
        while now < start + settings.SESSION_MAX_AGE - timedelta(minutes=20):
            now += timedelta(minutes=20)
            clock.move_to(now)
            assert client.get(reverse("home")).status_code == 200
        clock.move_to(start + settings.SESSION_MAX_AGE + timedelta(minutes=1))
        response = client.get(reverse("home"))
    assert response.status_code == 302
    assert AccessLog.objects.filter(event=AccessLog.Event.SIGNED_OUT, detail="max_lifetime").exists()


def test_an_htmx_request_after_timeout_is_told_to_redirect(client, alice, settings):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        signed_in(client)
        clock.move_to(start + settings.IDLE_TIMEOUT + timedelta(minutes=1))
        response = client.get(reverse("home"), HTTP_HX_REQUEST="true")
    assert response.status_code == 204
    assert response["HX-Redirect"].startswith(reverse("accounts:login"))
