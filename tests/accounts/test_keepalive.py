from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db


def test_typing_in_a_long_form_keeps_the_session_alive(client_for, alice, settings):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        client = client_for(alice)
        client.get(reverse("casework:case_create"))
        for minutes in (20, 40, 60):  # the page pings while the person types
            clock.move_to(start + timedelta(minutes=minutes))
            assert client.get(reverse("accounts:keepalive")).status_code == 204
        clock.move_to(start + timedelta(minutes=75))
        assert client.get(reverse("casework:case_create")).status_code == 200, "still signed in after 75 minutes"


def test_a_signed_out_visitor_is_told(client, db):
    assert client.get(reverse("accounts:keepalive")).status_code == 401
