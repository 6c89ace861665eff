"""The person's rights: four eyes on exports and erasures, what an export holds, what erasure leaves, retention."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessLog
from casework import services
from casework.models import Case, RightsRequest
from casework.services import rights
from tests.cases import MARKERS, open_case
from tests.casework.attachment_helpers import attach, pdf_bytes

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


@pytest.mark.parametrize("kind", ["export", "erasure"])
def test_a_requester_cannot_approve_their_own_request(alice, anna, case_a, client_for, kind):
    request = rights.rights_request(actor=alice, case=case_a, kind=kind, reason="Permintaan orang itu (rekaan).")
    with pytest.raises(PermissionDenied):
        rights.rights_approve(actor=alice, rights=request)
    response = client_for(alice).post(reverse("casework:rights_approve", args=[case_a.pk, request.pk]))
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.state == "requested" and request.approved_by is None
    case_a.refresh_from_db()
    assert case_a.erased_at is None
    # A colleague approves.
    response = client_for(anna).post(reverse("casework:rights_approve", args=[case_a.pk, request.pk]))
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.approved_by == anna
    assert request.state == ("approved" if kind == "export" else "done")
    events = list(AccessLog.objects.filter(object_id=case_a.pk).values_list("event", flat=True))
    assert "rights_requested" in events and "rights_approved" in events
    assert request.history.filter(history_user=alice).exists()


def test_only_the_owner_organisation_asks(bob, carol, case_a, client_for):
    url = reverse("casework:rights_request", args=[case_a.pk])
    assert client_for(bob).post(url, {"kind": "export"}).status_code == 404
    assert client_for(carol).post(url, {"kind": "export"}).status_code == 403
    with pytest.raises(PermissionDenied):
        rights.rights_request(actor=bob, case=case_a, kind="export")


def test_an_erasure_needs_a_reason_beside_the_field(alice, case_a, client_for):
    response = client_for(alice).post(reverse("casework:rights_request", args=[case_a.pk]), {"kind": "erasure"})
    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    assert not RightsRequest.objects.exists()


def test_the_export_holds_everything_and_names_no_colleague(alice, anna, bob, case_a, client_for, referral):
    attach(alice, case_a, name="surat-rekaan.pdf", data=pdf_bytes("ISI-EKSPOR-7741"))
    client_for(alice).get(reverse("casework:case_detail", args=[case_a.pk]))
    request = rights.rights_request(actor=alice, case=case_a, kind="export")
    rights.rights_approve(actor=anna, rights=request)
    page = client_for(anna).get(reverse("casework:export_page", args=[case_a.pk, request.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    for key in ("name", "narrative", "note"):
        assert MARKERS[key] in text
    assert referral.reference in text
    zipped = client_for(alice).get(reverse("casework:export_zip", args=[case_a.pk, request.pk]))
    assert zipped.status_code == 200 and zipped["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(zipped.streaming_content)))
    data = json.loads(archive.read("export.json"))
    assert data["identity"]["full_name"] == MARKERS["name"]
    assert data["referrals"][0]["to"] == bob.organisation.name
    assert data["viewed_by"] and all("alice" not in json.dumps(row) for row in data["viewed_by"])
    assert "alice" not in json.dumps(data["notes"]) and "anna" not in json.dumps(data)
    files = [name for name in archive.namelist() if name.startswith("attachments/")]
    assert len(files) == 1 and b"ISI-EKSPOR-7741" in archive.read(files[0])
    events = set(AccessLog.objects.filter(object_id=case_a.pk).values_list("event", flat=True))
    assert {"export_viewed", "export_downloaded"} <= events


def test_an_export_is_available_for_24_hours_only(alice, anna, case_a, client_for):
    request = rights.rights_request(actor=alice, case=case_a, kind="export")
    rights.rights_approve(actor=anna, rights=request)
    url = reverse("casework:export_zip", args=[case_a.pk, request.pk])
    with time_machine.travel(timezone.now() + timedelta(hours=25)):
        assert client_for(alice).get(url).status_code == 404
    unapproved = rights.rights_request(actor=anna, case=open_case(anna), kind="export")
    assert (
        client_for(anna).get(reverse("casework:export_zip", args=[unapproved.case_id, unapproved.pk])).status_code
        == 404
    )


def test_an_erased_case_shows_no_identity_anywhere_and_keeps_its_statistics(
    alice, anna, bob, case_a, referral, client_for
):
    attach(alice, case_a, name="ktp-rekaan.pdf", data=pdf_bytes("ISI-HAPUS-3310"), section="identity")
    export = rights.rights_request(actor=alice, case=case_a, kind="export")
    rights.rights_approve(actor=anna, rights=export)
    before = Case.objects.get(pk=case_a.pk)
    erasure = rights.rights_request(actor=alice, case=case_a, kind="erasure", reason="Diminta orangnya (rekaan).")
    rights.rights_approve(actor=anna, rights=erasure)
    case = Case.objects.get(pk=case_a.pk)
    assert case.erased_at is not None
    for field in ("reference", "risk_level", "gender", "origin_province", "exploitation_types", "intake_date"):
        assert getattr(case, field) == getattr(before, field)
    referral.refresh_from_db()
    assert referral.status == "cancelled"
    from notifications import reminders
    from notifications.models import Notification

    reminders.dispatch(send_email=False)
    told = Notification.objects.filter(recipient=bob, object_ref=referral.reference, kind="referrals.cancelled")
    assert told.count() == 1
    assert all(marker not in str(told.get().params) for marker in MARKERS.values())
    client = client_for(alice)
    pages = [
        client.get(reverse("casework:case_detail", args=[case.pk])),
        client.get(reverse("casework:case_identity", args=[case.pk])),
        client.get(reverse("casework:case_notes", args=[case.pk])),
        client.get(reverse("casework:case_history", args=[case.pk])),
        client.get(reverse("casework:case_attachments", args=[case.pk])),
        client.get(reverse("casework:case_print", args=[case.pk])),
        client.get(reverse("casework:case_rights", args=[case.pk])),
        client.get(reverse("referrals:case_referrals", args=[case.pk])),
        client.get(reverse("referrals:referral_detail", args=[referral.pk])),
        client_for(bob).get(reverse("referrals:referral_detail", args=[referral.pk])),
        client_for(bob).get(reverse("notifications:list")),
    ]
    for page in pages:
        assert page.status_code == 200, page.request["PATH_INFO"]
        text = page.content.decode()
        assert case.reference in text or "notifications" in page.request["PATH_INFO"]
        for marker in MARKERS.values():
            assert marker not in text
    assert 'data-testid="erased"' in pages[0].content.decode()
    # The export approved before the erasure holds nothing of the person now, and no attachment.
    zipped = client.get(reverse("casework:export_zip", args=[case.pk, export.pk]))
    archive = zipfile.ZipFile(io.BytesIO(b"".join(zipped.streaming_content)))
    dump = archive.read("export.json").decode()
    assert all(marker not in dump for marker in MARKERS.values())
    assert not [n for n in archive.namelist() if n.startswith("attachments/")]
    assert AccessLog.objects.filter(object_id=case.pk, event="case_erased").count() == 1


def _closed(actor, when):
    with time_machine.travel(when, tick=False):
        case = open_case(actor)
        return services.case_close(actor=actor, case=case, expected_version=case.version, reason="goals_met")


def test_the_retention_list_with_a_frozen_clock(alice, anna, bob, client_for, settings):
    settings.JEJARING_RETENTION_YEARS = 5
    start = timezone.now()
    old = _closed(alice, start - timedelta(days=365 * 5 + 10))
    recent = _closed(alice, start - timedelta(days=365 * 5 - 10))
    other = _closed(bob, start - timedelta(days=365 * 6))
    with time_machine.travel(start, tick=False):
        due = list(rights.retention_due(alice))
        assert [c.pk for c in due] == [old.pk]
        assert [c.pk for c in rights.retention_due(bob)] == [other.pk]
        page = client_for(alice).get(reverse("casework:retention"))
        assert old.reference in page.content.decode() and recent.reference not in page.content.decode()
    with time_machine.travel(start + timedelta(days=30), tick=False):
        assert {c.pk for c in rights.retention_due(alice)} == {old.pk, recent.pk}
        # Proposed together, approved by a colleague together.
        response = client_for(alice).post(
            reverse("casework:retention"), {"propose": "1", "cases": [str(old.pk), str(recent.pk)], "reason": "lama"}
        )
        assert response.status_code == 302
        assert list(rights.retention_due(alice)) == []
        batch = RightsRequest.objects.filter(case=old).get().batch
        client_for(alice).post(reverse("casework:retention"), {"approve": "1", "batch": str(batch)})
        assert Case.objects.filter(pk__in=[old.pk, recent.pk], erased_at__isnull=False).count() == 0
        client_for(anna).post(reverse("casework:retention"), {"approve": "1", "batch": str(batch)})
        assert Case.objects.filter(pk__in=[old.pk, recent.pk], erased_at__isnull=False).count() == 2


def test_the_monthly_retention_reminder(alice, anna, settings):
    from notifications import reminders
    from notifications.models import Notification

    start = timezone.now()
    _closed(alice, start - timedelta(days=365 * 6))
    with time_machine.travel(start, tick=False):
        reminders.dispatch(send_email=False)
        reminders.dispatch(send_email=False)  # once a month, not once a tick
    told = Notification.objects.filter(kind="casework.retention_review")
    assert sorted(told.values_list("recipient__username", flat=True)) == ["alice", "anna"]
    assert told.first().params["count"] == 1
    with time_machine.travel(start + timedelta(days=32), tick=False):
        reminders.dispatch(send_email=False)
    assert Notification.objects.filter(kind="casework.retention_review", recipient=alice).count() == 2
