"""The page for a form posted with an expired or foreign CSRF token (settings.CSRF_FAILURE_VIEW).

The usual cause is harmless: the user signed in again in another tab (which renews the token) and then sent a form
from the old tab, or their session ended while they typed. Nothing typed may be lost, so:

- for a same-origin POST of a signed-in user, an app may have registered a rescue for the URL (casework keeps an
  intake in the caseworker's encrypted draft and brings them back to it);
- otherwise the page explains, in the user's language, and re-offers what was posted as a form with a fresh token
  (values only in this page's HTML, marked no-store; never in a URL, never stored). Passwords and codes are not
  echoed back, and a POST from another site is explained but not re-offered (that would be the forgery it is).

The same page answers a form posted by someone whose session has ended (its token still good: the CSRF cookie outlives
the session) instead of the redirect to the sign-in page that would drop what they typed: SignedOutPostMiddleware.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import REASON_BAD_ORIGIN, REASON_BAD_REFERER, REASON_NO_REFERER
from django.shortcuts import render
from django.urls import Resolver404, resolve, reverse
from django.utils.cache import add_never_cache_headers

from core.registry import Registry


@dataclass(frozen=True)
class Rescue:
    url_name: str  # "namespace:name" of the URL the form was posted to
    handle: Callable[[HttpRequest], HttpResponse | None]


RESCUES: Registry[Rescue] = Registry(key=lambda rescue: rescue.url_name)

NOT_ECHOED = re.compile(r"csrfmiddlewaretoken|password|passwd|otp|token|code", re.IGNORECASE)


def register(rescue: Rescue) -> None:
    """``rescue.handle(request)`` handles a same-origin POST of a signed-in user to ``rescue.url_name`` whose token
    failed; it returns a response, or None for the page below."""
    RESCUES.register(rescue)


def same_origin(request: HttpRequest) -> bool:
    """The browser says the POST came from one of our own pages (Sec-Fetch-Site, else Origin, else Referer)."""
    site = request.headers.get("Sec-Fetch-Site")
    if site is not None:
        return site == "same-origin"
    source = request.headers.get("Origin") or request.headers.get("Referer") or ""
    return bool(source) and urlsplit(source).netloc == request.get_host()


def reposted_fields(request: HttpRequest) -> list[tuple[str, str]]:
    return [(name, value) for name, values in request.POST.lists() if not NOT_ECHOED.search(name) for value in values]


def repost_page(request: HttpRequest, *, status: int = 403, signed_out: bool | None = None) -> HttpResponse:
    offer = request.method == "POST" and same_origin(request)
    context = {
        "fields": reposted_fields(request) if offer else [],
        "offer": offer,
        "action": request.get_full_path(),
        "signed_out": not request.user.is_authenticated if signed_out is None else signed_out,
        "files_dropped": bool(request.FILES) if offer else False,
    }
    response = render(request, "errors/csrf.html", context, status=status)
    add_never_cache_headers(response)
    return response


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    forged = reason.startswith(REASON_BAD_ORIGIN.split("%")[0]) or reason in (REASON_NO_REFERER,)
    forged = forged or reason.startswith(REASON_BAD_REFERER.split("%")[0])
    if request.method == "POST" and not forged and same_origin(request) and request.user.is_authenticated:
        try:
            match = resolve(request.path_info)
        except Resolver404:
            match = None
        rescue = RESCUES.get(match.view_name) if match else None
        if rescue is not None:
            request.resolver_match = match
            response = rescue.handle(request)
            if response is not None:
                add_never_cache_headers(response)
                return response
    return repost_page(request)


# Posting to these while signed out is how one signs in or out: their redirects are the point, not a lost form.
SIGN_IN_AND_OUT = ("accounts:login", "accounts:logout")


class SignedOutPostMiddleware:
    """A same-origin form posted without a session (it ended while the user typed: idle timeout, maximum length, a
    closed browser) is answered with the page above (401, signed out: sign in again in a new tab, then "Send again")
    rather than the redirect to the sign-in page, which would drop every field. Installed after the message
    middleware and before accounts' SessionLifetimeMiddleware, whose sign-out redirect it also catches. htmx
    requests and a script's own requests (the intake's autosave: Sec-Fetch-Mode other than navigate) keep their
    redirect (they are not forms sent by hand), and so does a POST that does not come from one of our pages."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.method != "POST" or request.headers.get("HX-Request") or request.user.is_authenticated:
            return response
        if request.headers.get("Sec-Fetch-Mode", "navigate") != "navigate":  # a script's request, not a form sent
            return response
        if not same_origin(request):  # nothing typed on one of our pages to keep
            return response
        if response.status_code != 302 or urlsplit(response.get("Location", "")).path != reverse(settings.LOGIN_URL):
            return response
        try:
            if resolve(request.path_info).view_name in SIGN_IN_AND_OUT:
                return response
        except Resolver404:
            return response
        return repost_page(request, status=401, signed_out=True)
