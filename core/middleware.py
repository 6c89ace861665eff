"""Headers that keep what a signed-in person saw out of the browser, and powerful features off.

- ``Cache-Control: no-store`` (with ``Vary: Cookie``) on every response to a signed-in user, so that the back button or
  a shared computer's cache shows nothing of a case after sign-out (ASVS V8.2.1);
- ``Permissions-Policy`` on every response: ``settings.PERMISSIONS_POLICY``, or the policy that
  ``settings.PERMISSIONS_POLICY_BY_URL_NAME`` names for the page's URL name (the attachment upload may use the camera).
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils.cache import add_never_cache_headers, patch_vary_headers


def permissions_policy_for(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    by_name: dict[str, str] = getattr(settings, "PERMISSIONS_POLICY_BY_URL_NAME", {})
    if match is not None and match.view_name in by_name:
        return by_name[match.view_name]
    return str(settings.PERMISSIONS_POLICY)


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if "Permissions-Policy" not in response:
            response["Permissions-Policy"] = permissions_policy_for(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)  # no-cache, no-store, must-revalidate, private; Expires now
            patch_vary_headers(response, ["Cookie"])
        return response
