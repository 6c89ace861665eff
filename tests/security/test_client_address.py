"""Behind the documented TLS proxy the client's address is the one the proxy saw (X-Forwarded-For), for the access
log, its flags and lockouts alike; without a proxy configured the header is not believed."""

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from audit.models import AccessLog
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.2"
CLIENT = "93.184.216.34"


def _sign_in(client, password, forwarded):
    return client.post(
        reverse("accounts:login"),
        {"username": "alice", "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded,
    )


def test_behind_one_proxy_the_log_and_the_lockout_see_the_client(client, alice, settings):
    settings.JEJARING_PROXY_COUNT = 1
    assert _sign_in(client, "wrong-password-x", CLIENT).status_code == 200
    failed = AccessLog.objects.get(event=AccessLog.Event.SIGN_IN_FAILED)
    assert failed.ip_address == CLIENT
    assert AccessAttempt.objects.get().ip_address == CLIENT
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _sign_in(client, "wrong-password-x", CLIENT)
    assert _sign_in(client, PASSWORD, CLIENT).status_code == 429
    # Another client behind the same proxy is not locked out.
    assert _sign_in(client, PASSWORD, "151.101.1.1").status_code == 302
    assert AccessLog.objects.get(event=AccessLog.Event.SIGNED_IN).ip_address == "151.101.1.1"


def test_without_a_proxy_a_forwarded_header_is_not_believed(client, alice, settings):
    settings.JEJARING_PROXY_COUNT = 0
    _sign_in(client, "wrong-password-x", CLIENT)
    assert AccessLog.objects.get(event=AccessLog.Event.SIGN_IN_FAILED).ip_address == PROXY
    assert AccessAttempt.objects.get().ip_address == PROXY


def test_a_forged_hop_in_front_of_the_proxy_is_not_believed(client, alice, settings):
    settings.JEJARING_PROXY_COUNT = 1
    _sign_in(client, "wrong-password-x", f"8.8.8.8, {CLIENT}")
    assert AccessLog.objects.get(event=AccessLog.Event.SIGN_IN_FAILED).ip_address != "8.8.8.8"
