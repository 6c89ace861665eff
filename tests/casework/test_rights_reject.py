"""Rejecting a rights request: a colleague (never the requester) closes a waiting export or erasure with a reason; the
requester is told without personal data; history and the access log record it; it cannot be approved afterwards."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.urls import reverse

from audit.models import AccessLog
from casework.models import RightsRequest
from casework.services import rights
from notifications import reminders
from notifications.models import Notification
from tests.cases import open_case

pytestmark = pytest.mark.django_db

REASON = "ALASAN-TOLAK-5512: orangnya menarik permintaannya (rekaan)."


def _ask(actor, case, kind: str) -> RightsRequest:
    return rights.rights_request(actor=actor, case=case, kind=kind, reason="Permintaan orang itu (rekaan).")


def _reject_url(case, request) -> str:
    return reverse("casework:rights_reject", args=[case.pk, request.pk])


@pytest.mark.parametrize("kind", ["export", "erasure"])
def test_a_colleague_rejects_and_the_request_is_closed(alice, anna, case_a, client_for, kind):
    request = _ask(alice, case_a, kind)
    client = client_for(anna)
    response = client.post(_reject_url(case_a, request), {"reject-reason": REASON})
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.state == "rejected" and request.rejected_by == anna and request.rejected_at is not None
    assert request.approved_by is None
    last = request.history.latest()
    assert last.history_user == anna and last.history_change_reason == "rejected"
    entry = AccessLog.objects.get(event=AccessLog.Event.RIGHTS_REJECTED)
    assert entry.actor == anna and entry.object_id == case_a.pk and REASON not in entry.detail
    # It cannot be approved any more, through the service or the page; an erasure did not happen.
    with pytest.raises(ValidationError):
        rights.rights_approve(actor=anna, rights=request)
    client.post(reverse("casework:rights_approve", args=[case_a.pk, request.pk]))
    request.refresh_from_db()
    case_a.refresh_from_db()
    assert request.state == "rejected" and case_a.erased_at is None
    # The page shows the reason to the owner organisation's caseworkers; a new request may be made.
    page = client_for(alice).get(reverse("casework:case_rights", args=[case_a.pk]))
    assert REASON in page.content.decode()
    assert _ask(alice, case_a, kind).state == "requested"


def test_the_requester_is_told_without_personal_data(alice, anna, case_a, django_capture_on_commit_callbacks):
    request = _ask(alice, case_a, "export")
    with django_capture_on_commit_callbacks(execute=True):
        rights.rights_reject(actor=anna, rights=request, reason=REASON)
    reminders.dispatch(send_email=False)
    [notice] = Notification.objects.filter(kind="casework.rights_rejected")
    assert notice.recipient == alice
    assert notice.object_ref == case_a.reference
    text = repr(notice.params) + notice.object_ref
    assert "ALASAN" not in text and "rekaan" not in text
    from notifications import inbox

    assert case_a.reference in inbox.render(notice)
    assert inbox.target_url(notice) == reverse("casework:case_rights", args=[case_a.pk])


def test_the_reason_is_stored_encrypted(alice, anna, case_a):
    rights.rights_reject(actor=anna, rights=_ask(alice, case_a, "erasure"), reason=REASON)
    with connection.cursor() as cursor:
        for table in ("casework_rightsrequest", "casework_historicalrightsrequest", "audit_accesslog"):
            cursor.execute(f'SELECT * FROM "{table}"')
            assert "ALASAN-TOLAK" not in repr(cursor.fetchall()), table


@pytest.mark.parametrize("kind", ["export", "erasure"])
def test_the_requester_cannot_reject_their_own_request(alice, case_a, client_for, kind):
    request = _ask(alice, case_a, kind)
    with pytest.raises(PermissionDenied):
        rights.rights_reject(actor=alice, rights=request, reason=REASON)
    response = client_for(alice).post(_reject_url(case_a, request), {"reject-reason": REASON})
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.state == "requested" and request.rejected_by is None
    assert not AccessLog.objects.filter(event=AccessLog.Event.RIGHTS_REJECTED).exists()


def test_others_cannot_reject(alice, bob, carol, case_a, client_for, restricted_case, anna):
    request = _ask(alice, case_a, "export")
    assert client_for(bob).post(_reject_url(case_a, request), {"reject-reason": REASON}).status_code == 404
    assert client_for(carol).post(_reject_url(case_a, request), {"reject-reason": REASON}).status_code == 403
    with pytest.raises(PermissionDenied):
        rights.rights_reject(actor=bob, rights=request, reason=REASON)
    hidden = _ask(alice, restricted_case, "export")  # anna is not named on the restricted case
    assert client_for(anna).post(_reject_url(restricted_case, hidden), {"reject-reason": REASON}).status_code == 404
    other = _ask(bob, open_case(bob), "export")
    assert client_for(anna).post(_reject_url(case_a, other), {"reject-reason": REASON}).status_code == 404
    for item in (request, hidden, other):
        item.refresh_from_db()
        assert item.state == "requested"


def test_a_missing_or_too_long_reason_shows_beside_the_field_and_keeps_the_text(alice, anna, case_a, client_for):
    request = _ask(alice, case_a, "erasure")
    anna.language = "en"
    anna.save()
    client = client_for(anna)
    response = client.post(_reject_url(case_a, request), {"reject-reason": "   "})
    assert response.status_code == 200
    body = response.content.decode()
    assert f'id="id_{request.pk}_reject-reason_error"' in body and "Say why the request is rejected" in body
    long_text = "PANJANG-" + "x" * 1200
    response = client.post(_reject_url(case_a, request), {"reject-reason": long_text})
    assert response.status_code == 200
    assert long_text in response.content.decode()  # what was typed is still there
    request.refresh_from_db()
    assert request.state == "requested"


def test_a_closed_request_cannot_be_rejected(alice, anna, case_a, client_for):
    request = _ask(alice, case_a, "export")
    rights.rights_approve(actor=anna, rights=request)
    with pytest.raises(ValidationError):
        rights.rights_reject(actor=anna, rights=request, reason=REASON)
    response = client_for(anna).post(_reject_url(case_a, request), {"reject-reason": REASON})
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.state == "approved" and request.rejected_by is None


def test_a_rejected_erasure_puts_the_case_back_on_the_retention_list(alice, anna, case_a):
    from datetime import timedelta

    import time_machine
    from django.utils import timezone

    from casework import services

    services.case_close(actor=alice, case=case_a, expected_version=case_a.version, reason="goals_met")
    later = timezone.now() + timedelta(days=365 * 6)
    with time_machine.travel(later):
        batch = rights.retention_propose(actor=alice, cases=list(rights.retention_due(alice)), reason="Lama (rekaan).")
        assert list(rights.retention_due(anna)) == []
        [request] = RightsRequest.objects.filter(batch=batch)
        rights.rights_reject(actor=anna, rights=request, reason=REASON)
        assert [c.pk for c in rights.retention_due(anna)] == [case_a.pk]
        with pytest.raises(ValidationError):
            rights.rights_approve_batch(actor=anna, batch=batch)


def test_a_retention_proposal_is_rejected_together_by_a_colleague_only(alice, anna, case_a, client_for):
    from datetime import timedelta

    import time_machine
    from django.utils import timezone

    from casework import services

    second = open_case(alice)
    for case in (case_a, second):
        services.case_close(actor=alice, case=case, expected_version=case.version, reason="goals_met")
    with time_machine.travel(timezone.now() + timedelta(days=365 * 6)):
        batch = rights.retention_propose(actor=alice, cases=list(rights.retention_due(alice)), reason="Lama (rekaan).")
        url = reverse("casework:retention")
        # The proposer cannot reject it; an empty reason rejects nothing.
        assert client_for(alice).post(url, {"reject": "1", "batch": str(batch), "reason": REASON}).status_code == 302
        assert client_for(anna).post(url, {"reject": "1", "batch": str(batch), "reason": " "}).status_code == 302
        assert set(RightsRequest.objects.filter(batch=batch).values_list("state", flat=True)) == {"requested"}
        page = client_for(anna).get(url)
        assert 'data-testid="batch-reject"' in page.content.decode()
        assert client_for(anna).post(url, {"reject": "1", "batch": str(batch), "reason": REASON}).status_code == 302
        assert set(RightsRequest.objects.filter(batch=batch).values_list("state", flat=True)) == {"rejected"}
        assert AccessLog.objects.filter(event=AccessLog.Event.RIGHTS_REJECTED, actor=anna).count() == 2
        assert {c.pk for c in rights.retention_due(anna)} == {case_a.pk, second.pk}
        assert client_for(anna).post(url, {"approve": "1", "batch": str(batch)}).status_code == 302
    case_a.refresh_from_db()
    second.refresh_from_db()
    assert case_a.erased_at is None and second.erased_at is None
