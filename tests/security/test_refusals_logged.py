"""Every refusal is logged once, whichever layer refuses, with the URL name and no identifier in the detail."""

import re

import pytest
from django.urls import reverse

from audit.models import AccessLog

pytestmark = pytest.mark.django_db

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-")


def denials():
    return list(AccessLog.objects.filter(event=AccessLog.Event.ACCESS_DENIED).order_by("id"))


def _one(actor, reason, url_name):
    entries = denials()
    assert len(entries) == 1, [(e.detail, e.actor_id) for e in entries]
    entry = entries[0]
    assert entry.actor_id == actor.pk
    assert entry.detail == f"{reason} {url_name}"
    assert not UUID.search(entry.detail) and not re.search(r"\d{4,}", entry.detail)
    return entry


def test_a_refusal_by_role_writes_one_entry(client_for, carol, case_a):
    response = client_for(carol).get(reverse("casework:case_identity", args=[case_a.pk]))
    assert response.status_code == 403
    _one(carol, "role", "casework:case_identity")


def test_a_caseworker_refused_on_the_audit_pages_is_logged(client_for, alice):
    assert client_for(alice).get(reverse("audit:log")).status_code == 403
    _one(alice, "role", "audit:log")


def test_a_reveal_refused_by_role_is_logged(client_for, carol, case_a):
    response = client_for(carol).post(reverse("casework:case_reveal", args=[case_a.pk, "nik"]))
    assert response.status_code == 403
    _one(carol, "role", "casework:case_reveal")


def test_a_refusal_by_the_case_gate_writes_one_entry(client_for, bob, case_a):
    response = client_for(bob).get(reverse("casework:case_detail", args=[case_a.pk]))
    assert response.status_code == 404
    entry = _one(bob, "view", "casework:case_detail")
    assert entry.object_id == case_a.pk  # the object is named in its own column, never in the detail


def test_a_refused_referral_side_writes_one_entry(client_for, bob, referral):
    # The receiver may not cancel: only the sender may.
    response = client_for(bob).post(reverse("referrals:referral_cancel", args=[referral.pk]), {"reason": "x"})
    assert response.status_code == 403
    _one(bob, "side", "referrals:referral_cancel")


def test_the_admin_site_refusing_a_caseworker_is_logged(client_for, alice):
    assert client_for(alice).get("/admin/").status_code == 403
    _one(alice, "role", "admin:index")
