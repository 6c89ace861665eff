"""Nothing left in the browser, powerful features off, the CSP on error pages too, sign-out clears the site."""

import pytest
from django.http import HttpResponse
from django.test import Client, override_settings
from django.urls import path, reverse

from config import urls as project_urls
from core.errors import page_not_found
from core.middleware import permissions_policy_for

pytestmark = pytest.mark.django_db


def boom(request):
    raise RuntimeError("a fault")


def camera_page(request):
    return HttpResponse("ok")


urlpatterns = [
    path("boom/", boom),
    path("camera/", camera_page, name="camera_page"),
    *project_urls.urlpatterns,
]
handler404 = page_not_found
handler500 = "core.errors.server_error"


def test_signed_in_pages_are_not_stored_by_the_browser(client_for, alice, case_a):
    client = client_for(alice)
    for url in [reverse("home"), reverse("casework:case_list"), reverse("casework:case_detail", args=[case_a.pk])]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"], url
        assert "Cookie" in response["Vary"], url


def test_every_response_turns_camera_microphone_and_geolocation_off(client, client_for, alice):
    for response in [client.get(reverse("accounts:login")), client_for(alice).get(reverse("home"))]:
        assert response["Permissions-Policy"] == "camera=(), microphone=(), geolocation=()"


def test_the_camera_is_allowed_only_on_the_pages_named_in_the_setting(client, settings):
    settings.PERMISSIONS_POLICY_BY_URL_NAME = {"camera_page": "camera=(self), microphone=(), geolocation=()"}
    settings.ROOT_URLCONF = __name__
    assert client.get("/camera/")["Permissions-Policy"].startswith("camera=(self)")
    assert client.get("/nothing-here/")["Permissions-Policy"].startswith("camera=()")


def test_the_attachment_upload_is_the_page_that_may_use_the_camera(settings):
    from django.test import RequestFactory
    from django.urls.resolvers import ResolverMatch

    request = RequestFactory().get("/")
    request.resolver_match = ResolverMatch(
        camera_page, (), {}, url_name="attachments", app_names=["casework"], namespaces=["casework"]
    )
    assert permissions_policy_for(request) == "camera=(self), microphone=(), geolocation=()"


@override_settings(DEBUG=False)
def test_error_pages_carry_the_csp_in_production(settings):
    settings.ROOT_URLCONF = __name__
    client = Client(raise_request_exception=False)
    missing = client.get("/nothing-here/")
    assert missing.status_code == 404
    assert "default-src 'self'" in missing["Content-Security-Policy"]
    failed = client.get("/boom/")
    assert failed.status_code == 500
    assert "default-src 'self'" in failed["Content-Security-Policy"]
    assert failed["Permissions-Policy"].startswith("camera=()")


def test_sign_out_clears_the_site_data(client_for, alice):
    client = client_for(alice)
    response = client.post(reverse("accounts:logout"))
    assert response["Clear-Site-Data"] == '"cache", "cookies", "storage"'
    assert client.get(reverse("home")).status_code == 302
