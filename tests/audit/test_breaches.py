"""The breach register: admins only, the 3 x 24 hour deadline counted down and reminded, notifications recorded."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from audit import breaches
from audit.models import AccessLog, Breach
from notifications import reminders
from notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_an_admin_records_a_breach_and_is_reminded_until_the_authority_is_told(dave, alice, org_a, client_for):
    start = timezone.now().replace(microsecond=0)
    with time_machine.travel(start, tick=False):
        response = client_for(dave).post(
            reverse("audit:breaches"),
            {
                "what": "Laptop hilang (rekaan).",
                "discovered_at": timezone.localtime(start).strftime("%Y-%m-%dT%H:%M"),
                "organisations": [org_a.pk],
                "cases_affected": 12,
            },
        )
        assert response.status_code == 302
    breach = Breach.objects.get()
    assert breach.deadline - breach.discovered_at == timedelta(hours=72)
    assert AccessLog.objects.filter(event="breach_recorded").count() == 1
    with time_machine.travel(start + timedelta(hours=25), tick=False):
        reminders.dispatch(send_email=False)
        assert breaches.time_left(breach) < timedelta(hours=48)
    told = Notification.objects.filter(kind=breaches.DEADLINE_REMINDER)
    assert list(told.values_list("recipient__username", flat=True)) == ["dave"]
    assert "Laptop" not in str(told.first().params)
    with time_machine.travel(start + timedelta(hours=30), tick=False):
        response = client_for(dave).post(
            reverse("audit:breach_detail", args=[breach.pk]),
            {
                "recipient": "authority",
                "notified_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
                "how": "Surat elektronik",
            },
        )
        assert response.status_code == 302
    with time_machine.travel(start + timedelta(hours=49), tick=False):
        reminders.dispatch(send_email=False)
    assert Notification.objects.filter(kind=breaches.DEADLINE_REMINDER).count() == 1  # no more once told
    page = client_for(dave).get(reverse("audit:breach_detail", args=[breach.pk]))
    assert "Surat elektronik" in page.content.decode()


def test_bad_input_stays_beside_the_field(dave, client_for):
    response = client_for(dave).post(reverse("audit:breaches"), {"what": "", "cases_affected": "-1"})
    assert response.status_code == 200
    assert {"what", "cases_affected", "discovered_at", "organisations"} <= set(response.context["form"].errors)
    assert not Breach.objects.exists()


def test_only_admins(alice, carol, client_for):
    for user in (alice, carol):
        assert client_for(user).get(reverse("audit:breaches")).status_code == 403
