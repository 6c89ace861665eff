"""A form posted with a token from before the latest sign-in (or after the session ended) loses nothing: the
intake goes into the caseworker's encrypted draft, any other form is offered again with a fresh token, in the user's
language; a post from another site is explained, never re-offered nor stored."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from casework import selectors
from casework.models import CaseNote, IntakeDraft
from tests.casework.test_views import intake_data
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db

SAME_ORIGIN = {"HTTP_SEC_FETCH_SITE": "same-origin"}
CROSS_SITE = {"HTTP_SEC_FETCH_SITE": "cross-site"}
TYPED = "Kronologi rekaan yang tidak boleh hilang."


def strict(user=None):
    client = Client(enforce_csrf_checks=True)
    if user is not None:
        sign_in(client, user)
    client.cookies["csrftoken"] = "x" * 32  # a token of an earlier sign-in: it matches nothing posted
    return client


def test_a_signed_in_caseworkers_intake_goes_into_the_draft(alice):
    client = strict(alice)
    data = intake_data(narrative=TYPED) | {"csrfmiddlewaretoken": "y" * 32}
    response = client.post(reverse("casework:case_create"), data, **SAME_ORIGIN)
    draft = IntakeDraft.objects.get(owner=alice)
    assert response.status_code == 302
    assert response.headers["Location"] == reverse("casework:case_create") + f"?draft={draft.pk}"
    fields = selectors.intake_draft_fields(draft)
    assert fields["narrative"] == [TYPED] and "csrfmiddlewaretoken" not in fields
    page = client.get(response.headers["Location"]).content.decode()
    assert TYPED in page and "Sesi masuk Anda berubah" in page


def test_the_draft_endpoint_keeps_what_the_old_tab_sends(alice):
    response = strict(alice).post(reverse("casework:intake_draft_save"), {"narrative": TYPED}, **SAME_ORIGIN)
    assert response.status_code == 204
    assert selectors.intake_draft_fields(IntakeDraft.objects.get(owner=alice))["narrative"] == [TYPED]


def test_a_post_from_another_site_is_neither_stored_nor_offered_again(alice):
    response = strict(alice).post(reverse("casework:case_create"), intake_data(narrative=TYPED), **CROSS_SITE)
    assert response.status_code == 403
    html = response.content.decode()
    assert TYPED not in html and 'data-testid="csrf-resend"' not in html
    assert not IntakeDraft.objects.exists()


def test_another_form_is_offered_again_with_a_fresh_token(alice, case_a):
    client = strict(alice)
    url = reverse("casework:case_notes", args=[case_a.pk])
    response = client.post(url, {"body": TYPED, "shareable": "on", "csrfmiddlewaretoken": "y" * 32}, **SAME_ORIGIN)
    assert response.status_code == 403
    assert "no-store" in response.headers["Cache-Control"]
    html = response.content.decode()
    assert "Formulir belum terkirim" in html and "Kirim lagi" in html  # in the user's language
    assert f'<input type="hidden" name="body" value="{TYPED}">' in html
    assert html.count('name="csrfmiddlewaretoken"') >= 1 and 'value="yyyy' not in html
    # Sending it again with the page's fresh token works.
    form = re.search(r'<form method="post" action="([^"]+)" data-testid="csrf-resend">(.*?)</form>', html, re.S)
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form.group(2)))
    assert form.group(1) == url
    assert client.post(url, fields, **SAME_ORIGIN).status_code == 302
    assert CaseNote.objects.filter(case=case_a).count() == 2


def test_a_signed_out_intake_is_kept_in_the_page_and_nothing_is_stored(alice):
    client = Client()
    response = client.post(reverse("casework:case_create"), intake_data(narrative=TYPED), **SAME_ORIGIN)
    assert response.status_code == 401
    html = response.content.decode()
    assert "Masuk lagi di tab baru" in html and TYPED in html
    assert "no-store" in response.headers["Cache-Control"]
    assert not IntakeDraft.objects.exists()


def test_passwords_are_never_echoed(alice):
    response = strict().post(
        reverse("accounts:login"), {"username": "alice", "password": "rahasia-rekaan"}, **SAME_ORIGIN
    )
    html = response.content.decode()
    assert response.status_code == 403 and "rahasia-rekaan" not in html and 'value="alice"' in html


def test_the_page_follows_the_users_language(alice, case_a):
    alice.language = "en"
    alice.save()
    client = strict(alice)
    response = client.post(reverse("casework:case_notes", args=[case_a.pk]), {"body": TYPED}, **SAME_ORIGIN)
    assert "The form was not sent" in response.content.decode()
