"""Bad input to sign-in, two-factor, passwords, language and notification emails: see tests/bad_input.py for the values tried and the checks made."""

from __future__ import annotations

import pytest

from tests.bad_input import *

pytestmark = pytest.mark.django_db


@fuzz(30)
@given(
    data=form_data(
        {
            "username": st.sampled_from(["alice", "alice@test.jejaring.invalid", "ALICE", "nobody"]),
            "password": st.sampled_from([PASSWORD, "wrong-password-x"]),
            "next": NEXT,
        }
    ),
    address=st.sampled_from(["10.1.0.1", "10.1.0.2", "2001:db8::1"]),
)
def test_sign_in(alice, data, address):
    axes_reset()
    response = Client().post(reverse("accounts:login"), data, REMOTE_ADDR=address)
    text = inert(response)
    if response.status_code == 302:
        assert response.wsgi_request.user.pk == alice.pk
        safe_location(response)
    elif response.status_code == 429:  # locked out by django-axes: a valid refusal
        assert "accounts/locked_out.html" in [t.name for t in response.templates]
    else:
        assert response.status_code == 200
        errors_shown(text, response.context["form"])
        assert not response.wsgi_request.user.is_authenticated


@fuzz(15)
@given(data=form_data({"token": st.sampled_from(["123456", "000 000", "abcdefgh"]), "next": NEXT}))
def test_two_factor_verify(carol, data):
    client = Client()
    client.force_login(carol, backend="accounts.backends.UsernameOrEmailBackend")  # signed in, second step pending
    response = client.post(reverse("accounts:two_factor_verify"), data)
    text = inert(response)
    # The code cannot be guessed: every submission is refused (django-otp throttles after a failure: still refused).
    assert response.status_code == 200
    errors_shown(text, response.context["form"])
    assert "otp_device_id" not in client.session


@fuzz(15)
@given(data=form_data({"token": st.sampled_from(["123456", "654 321", "12-34-56"]), "next": NEXT}))
def test_two_factor_setup(client_for, alice, data):
    client = client_for(alice)
    before = rows(StaticToken)
    response = client.post(reverse("accounts:two_factor_setup"), data)
    text = inert(response)
    assert response.status_code == 200
    errors_shown(text, response.context["form"])
    assert not TOTPDevice.objects.filter(user=alice, confirmed=True).exists()
    assert rows(StaticToken) == before


@fuzz(20)
@given(
    data=form_data(
        {
            "old_password": st.sampled_from([PASSWORD, "not-my-password"]),
            "new_password1": st.sampled_from(["kuda-baterai-benar-2026", "pendek"]),
            "new_password2": st.sampled_from(["kuda-baterai-benar-2026", "lain-sekali-2026"]),
        }
    )
)
def test_password_change(alice, data):
    alice.set_password(PASSWORD)
    alice.save()
    client = sign_in(Client(), alice)
    response = client.post(reverse("accounts:password_change"), data)
    text = inert(response)
    alice.refresh_from_db()
    if response.status_code == 302:
        assert alice.check_password(last(data["new_password1"]))
    else:
        assert response.status_code == 200
        errors_shown(text, response.context["form"])
        assert alice.check_password(PASSWORD), "a refused change must leave the password as it was"


@fuzz(20)
@given(data=form_data({"email": st.sampled_from(["alice@test.jejaring.invalid", "nobody@example.org"])}))
def test_password_reset_request(client, alice, data):
    sent = len(mail.outbox)
    response = client.post(reverse("accounts:password_reset"), data)
    text = inert(response)
    if response.status_code == 302:
        assert response.headers["Location"] == reverse("accounts:password_reset_done")
        for message in mail.outbox[sent:]:
            assert message.to == [alice.email]
    else:
        assert response.status_code == 200
        errors_shown(text, response.context["form"])
        assert len(mail.outbox) == sent


@fuzz(15)
@given(
    data=form_data(
        {
            "new_password1": st.sampled_from(["kuda-baterai-benar-2026", "pendek"]),
            "new_password2": st.sampled_from(["kuda-baterai-benar-2026", "lain-sekali-2026"]),
        }
    )
)
def test_password_reset_confirm(alice, data):
    alice.set_password(PASSWORD)
    alice.save()
    client = Client()
    link = reverse(
        "accounts:password_reset_confirm",
        args=[urlsafe_base64_encode(force_bytes(alice.pk)), default_token_generator.make_token(alice)],
    )
    form_page = client.get(link)  # Django moves the token into the session and redirects to the form
    assert form_page.status_code == 302
    response = client.post(form_page.headers["Location"], data)
    text = inert(response)
    alice.refresh_from_db()
    if response.status_code == 302:
        assert response.headers["Location"] == reverse("accounts:password_reset_complete")
        assert alice.check_password(last(data["new_password1"]))
    else:
        assert response.status_code == 200
        errors_shown(text, response.context["form"])
        assert alice.check_password(PASSWORD), "a refused new password must leave the old one"


@fuzz(20)
@given(
    data=form_data({"language": st.sampled_from([code for code, _name in django_settings.LANGUAGES]), "next": NEXT}),
    signed_in=st.booleans(),
)
def test_language_switch(client_for, alice, data, signed_in):
    client = client_for(alice) if signed_in else Client()
    languages = {code for code, _name in django_settings.LANGUAGES}
    response = client.post(reverse("accounts:set_language"), data)
    inert(response)
    # A refused choice changes nothing and goes back, like an accepted one: the switch is a menu, not a typed field.
    assert response.status_code == 302
    safe_location(response)
    alice.refresh_from_db()
    assert alice.language in languages
    cookie = response.cookies.get(django_settings.LANGUAGE_COOKIE_NAME)
    if cookie is not None:
        assert cookie.value in languages


KIND_CODES = sorted(kind.code for kind in inbox.kinds())


@fuzz(20)
@given(
    email=st.lists(st.one_of(st.sampled_from(KIND_CODES), scalar), max_size=6),
    ids=st.lists(scalar, max_size=3),
)
def test_notification_email_preferences_and_mark_read(client_for, alice, email, ids):
    client = client_for(alice)
    response = client.post(reverse("notifications:preferences"), {"email": email})
    inert(response)
    assert response.status_code == 302
    security = {kind.code for kind in inbox.kinds() if kind.security}
    saved = dict(NotificationPreference.objects.filter(user=alice).values_list("kind", "email"))
    assert set(saved) == set(KIND_CODES) - security, "only the known kinds are stored"
    assert {kind for kind, on in saved.items() if on} == (set(email) & set(KIND_CODES)) - security
    inert(client.get(reverse("notifications:preferences")))
    response = client.post(reverse("notifications:mark_read"), {"id": ids})
    inert(response)
    assert response.status_code == 302
