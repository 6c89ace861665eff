"""A long text typed into a case form while the session ends (idle timeout, maximum length, a closed browser) is not
dropped by the redirect to the sign-in page: the page says what happened, in the user's language, and offers it again
(values only in that page, marked no-store; never passwords or tokens; nothing stored). Sending it again once signed
in, from the page, works."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from casework.models import CaseNote
from referrals.models import Referral
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db

SAME_ORIGIN = {"HTTP_SEC_FETCH_SITE": "same-origin"}
TYPED = "Catatan panjang rekaan yang tidak boleh hilang: PENANDA-SESI-4471"


def offered(response) -> dict[str, str]:
    html = response.content.decode()
    form = re.search(r'<form method="post" action="([^"]+)" data-testid="csrf-resend">(.*?)</form>', html, re.S)
    assert form, "the form is offered again"
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form.group(2)))


def signed_out_client() -> Client:
    client = Client(enforce_csrf_checks=True)
    client.get(reverse("accounts:login"))  # the CSRF cookie, which outlives the session
    return client


def forms_with_long_text(case_a, referral):
    """The case and referral forms with free text (and the close form), as a caseworker or coordinator posts them."""
    return [
        (reverse("casework:case_notes", args=[case_a.pk]), {"body": TYPED, "shareable": "on"}),
        (reverse("casework:case_services", args=[case_a.pk]), {"service_type": "shelter", "outcome": TYPED}),
        (reverse("casework:case_close", args=[case_a.pk]), {"reason": "other", "safety_checked": "on", "version": "1"}),
        (reverse("casework:case_edit", args=[case_a.pk]), {"narrative": TYPED, "full_name": "Rekaan"}),
        (reverse("referrals:referral_create", args=[case_a.pk]), {"reason": TYPED, "urgency": "routine"}),
        (reverse("referrals:referral_update", args=[referral.pk]), {"note": TYPED}),
        (reverse("referrals:referral_decline", args=[referral.pk]), {"note": TYPED}),
        (reverse("referrals:referral_complete", args=[referral.pk]), {"note": TYPED}),
        (reverse("referrals:referral_cancel", args=[referral.pk]), {"note": TYPED}),
        (reverse("referrals:referral_reassign", args=[referral.pk]), {"reason": TYPED}),
    ]


@pytest.fixture
def referral(alice, case_a, org_b):
    from referrals import services as referral_services

    return referral_services.referral_send(
        actor=alice, case=case_a, to_org=org_b, services=["legal_aid"], urgency="routine", reason="Alasan rekaan"
    )


def test_every_long_text_form_is_offered_again_after_the_session_ended(case_a, referral):
    client = signed_out_client()
    token = client.cookies["csrftoken"].value
    notes, referrals = CaseNote.objects.count(), Referral.objects.count()
    for url, data in forms_with_long_text(case_a, referral):
        response = client.post(url, data | {"csrfmiddlewaretoken": token}, **SAME_ORIGIN)
        assert response.status_code == 401, url
        assert "no-store" in response.headers["Cache-Control"]
        html = response.content.decode()
        assert "Formulir belum terkirim" in html and "Masuk lagi di tab baru" in html, url
        fields = offered(response)
        assert data.items() <= fields.items(), url
        assert "csrfmiddlewaretoken" in fields
    assert CaseNote.objects.count() == notes and Referral.objects.count() == referrals, "nothing stored"


def test_the_idle_timeout_keeps_the_note_and_sending_it_again_works(alice, case_a, settings):
    client = sign_in(Client(enforce_csrf_checks=True), alice)
    url = reverse("casework:case_notes", args=[case_a.pk])
    page = client.get(url).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    later = timezone.now() + settings.IDLE_TIMEOUT + timedelta(minutes=1)
    with time_machine.travel(later, tick=False):
        response = client.post(url, {"body": TYPED, "csrfmiddlewaretoken": token}, **SAME_ORIGIN)
    assert response.status_code == 401
    assert "karena tidak ada aktivitas" in response.content.decode()  # the sign-out's own message, shown here
    fields = offered(response)
    assert fields["body"] == TYPED
    # Signed in again, then "Send again". (Had the sign-in in another tab changed the token, the old page's token
    # would be refused and what it sent offered once more with the new one: tests/casework/test_csrf_rescue.py.)
    sign_in(client, alice)
    assert client.post(url, fields, **SAME_ORIGIN).status_code == 302
    assert CaseNote.objects.filter(case=case_a).count() == 2


def test_passwords_and_codes_are_never_offered_again(alice):
    client = signed_out_client()
    token = client.cookies["csrftoken"].value
    data = {"old_password": "sandi-rekaan-1", "new_password1": "sandi-rekaan-2", "otp_token": "123456"}
    response = client.post(reverse("accounts:password_change"), data | {"csrfmiddlewaretoken": token}, **SAME_ORIGIN)
    assert response.status_code == 401
    html = response.content.decode()
    assert "sandi-rekaan" not in html and "123456" not in html


def test_signing_in_and_out_and_foreign_posts_keep_their_redirects(alice):
    client = signed_out_client()
    token = client.cookies["csrftoken"].value
    response = client.post(reverse("accounts:logout"), {"csrfmiddlewaretoken": token}, **SAME_ORIGIN)
    assert response.status_code == 302
    plain = Client()  # no Sec-Fetch-Site, Origin or Referer: not from one of our pages
    assert plain.post(reverse("casework:case_search"), {"q": TYPED}).status_code == 302
    htmx = Client()
    response = htmx.post(reverse("casework:case_search"), {"q": TYPED}, HTTP_HX_REQUEST="true", **SAME_ORIGIN)
    assert response.status_code != 401 and TYPED not in response.content.decode()
    script = Client()  # the intake's autosave (fetch): its own redirect, which the page handles
    response = script.post(reverse("casework:intake_draft_save"), {"narrative": TYPED}, HTTP_SEC_FETCH_MODE="cors")
    assert response.status_code == 302
