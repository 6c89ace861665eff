"""Referral notices (referrals/reminders.py) go to those the case gate counts: an inactive receiving organisation's caseworkers are told
nothing (as case reminders already skip them)."""

from __future__ import annotations

import pytest

from accounts import services as account_services
from notifications import reminders
from notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_referral_notices_skip_the_caseworkers_of_an_inactive_organisation(referral, bob, org_b):
    org_b.is_active = False
    account_services.organisation_save(actor=None, organisation=org_b)
    reminders.dispatch(send_email=False)
    assert not Notification.objects.filter(recipient=bob, object_id=referral.pk).exists()


def test_referral_notices_reach_the_caseworkers_of_an_active_organisation(referral, bob):
    reminders.dispatch(send_email=False)
    assert Notification.objects.filter(recipient=bob, object_id=referral.pk, kind="referrals.sent").exists()
