"""Attachments follow their section's access exactly: a referral receiver sees those of the sections shared with it
once it accepted, a restricted case's colleague who is not named sees none, another organisation none."""

from __future__ import annotations

import pytest
from django.urls import reverse

from audit.models import AccessLog
from tests.casework.attachment_helpers import attach

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _attachments_in_tmp(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "attachments": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }


def _urls(case, attachment):
    return {
        "list": reverse("casework:case_attachments", args=[case.pk]),
        "download": reverse("casework:attachment_download", args=[case.pk, attachment.pk]),
        "delete": reverse("casework:attachment_delete", args=[case.pk, attachment.pk]),
    }


def test_a_receiver_sees_the_shared_section_only_after_accepting(alice, bob, case_a, referral, client_for):
    identity_doc = attach(alice, case_a, name="ktp-rekaan.pdf", section="identity")
    note_doc = attach(alice, case_a, name="surat-rekaan.pdf", section="notes")
    client = client_for(bob)
    # Sent, not accepted yet: nothing.
    assert client.get(_urls(case_a, identity_doc)["list"]).status_code == 404
    assert client.get(_urls(case_a, identity_doc)["download"]).status_code == 404

    from referrals import services as referral_services

    referral_services.referral_accept(actor=bob, referral=referral)
    page = client.get(_urls(case_a, identity_doc)["list"])
    assert page.status_code == 200
    assert [item.attachment.pk for item in page.context["attachments"]] == [identity_doc.pk]
    assert page.context["form"] is None  # a receiver does not upload to the owner's case
    assert client.get(_urls(case_a, identity_doc)["download"]).status_code == 200
    assert client.get(_urls(case_a, note_doc)["download"]).status_code == 404  # notes were not shared
    assert client.post(_urls(case_a, identity_doc)["delete"]).status_code == 404
    assert client.post(_urls(case_a, identity_doc)["list"], {"section": "notes"}).status_code == 404
    assert AccessLog.objects.filter(actor=bob, event="attachment_downloaded").count() == 1
    assert AccessLog.objects.filter(actor=bob, event="access_denied").exists()

    # The referral ends: the access goes with it.
    referral_services.referral_complete(actor=bob, referral=referral, outcome="service_given")
    assert client.get(_urls(case_a, identity_doc)["download"]).status_code == 404


def test_a_receiver_without_the_section_shared_sees_no_attachment(alice, bob, case_a, org_b, client_for):
    from referrals import services as referral_services

    referral = referral_services.referral_send(
        actor=alice, case=case_a, to_org=org_b, services=["shelter"], urgency="urgent", reason="x", sections=["needs"]
    )
    referral_services.referral_accept(actor=bob, referral=referral)
    identity_doc = attach(alice, case_a, section="identity")
    client = client_for(bob)
    page = client.get(_urls(case_a, identity_doc)["list"])
    assert page.status_code == 200 and page.context["attachments"] == []
    assert client.get(_urls(case_a, identity_doc)["download"]).status_code == 404


def test_a_restricted_case_hides_its_attachments_from_colleagues_not_named(alice, anna, restricted_case, client_for):
    doc = attach(alice, restricted_case, section="identity")
    for url in _urls(restricted_case, doc).values():
        method = "post" if url.endswith("/delete/") else "get"
        assert getattr(client_for(anna), method)(url).status_code == 404, url
    assert client_for(alice).get(_urls(restricted_case, doc)["download"]).status_code == 200


def test_other_organisations_and_other_roles_get_nothing(alice, bob, carol, dave, case_a, client_for):
    doc = attach(alice, case_a)
    for user, status in ((bob, 404), (carol, 403), (dave, 403)):
        for url in _urls(case_a, doc).values():
            method = "post" if url.endswith("/delete/") else "get"
            assert getattr(client_for(user), method)(url).status_code == status, (user.username, url)
