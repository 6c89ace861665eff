"""Endings end access (issue 16, finding 9): once a referral is completed, declined, cancelled or reassigned, the
receiver's page shows only what the receiver wrote itself (its updates, its outcome) and the references, never the
sender's reason, the override reason or the sender's notes."""

import pytest
from django.urls import reverse

from referrals import services
from referrals.models import Referral

pytestmark = pytest.mark.django_db

REASON = "Butuh rumah aman segera. (rekaan)"
SENDER_NOTE = "CATATAN-PENGIRIM-rekaan"
RECEIVER_NOTE = "CATATAN-PENERIMA-rekaan"
COORDINATOR_NOTE = "ALASAN-KOORDINATOR-rekaan"


def _page(client_for, user, referral):
    response = client_for(user).get(reverse("referrals:referral_detail", args=[referral.pk]))
    assert response.status_code == 200
    return response.content.decode()


def _with_notes(referral, alice, bob):
    services.referral_update(actor=alice, referral=referral, note=SENDER_NOTE)
    services.referral_update(actor=bob, referral=referral, note=RECEIVER_NOTE)
    return Referral.objects.get(pk=referral.pk)


def _sees_only_its_own(page, referral):
    assert REASON not in page
    assert SENDER_NOTE not in page
    assert COORDINATOR_NOTE not in page
    assert RECEIVER_NOTE in page
    assert referral.case.reference in page


def test_while_accepted_the_receiver_reads_the_reason_and_the_notes(client_for, alice, bob, accepted):
    _with_notes(accepted, alice, bob)
    page = _page(client_for, bob, accepted)
    assert REASON in page and SENDER_NOTE in page and RECEIVER_NOTE in page


def test_after_completion(client_for, alice, bob, accepted):
    referral = _with_notes(accepted, alice, bob)
    services.referral_complete(actor=bob, referral=referral, outcome="service_given", note="")
    _sees_only_its_own(_page(client_for, bob, referral), referral)
    assert REASON in _page(client_for, alice, referral)  # the sender keeps everything


def test_after_a_decline(client_for, alice, bob, referral):
    referral = _with_notes(referral, alice, bob)
    services.referral_decline(actor=bob, referral=referral, reason="no_capacity", note="")
    _sees_only_its_own(_page(client_for, bob, referral), referral)


def test_after_a_cancellation(client_for, alice, bob, accepted):
    referral = _with_notes(accepted, alice, bob)
    services.referral_cancel(actor=alice, referral=referral, note="")
    _sees_only_its_own(_page(client_for, bob, referral), referral)


def test_after_a_reassignment(client_for, alice, bob, carol, org_c, accepted):
    referral = _with_notes(accepted, alice, bob)
    services.referral_reassign(actor=carol, referral=referral, to_org=org_c, reason=COORDINATOR_NOTE)
    referral.refresh_from_db()
    _sees_only_its_own(_page(client_for, bob, referral), referral)
