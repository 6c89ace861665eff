"""Request middleware: the signed-in user, session lifetime, the user's language, and mandatory two-factor sign-in."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.middleware import OTPMiddleware
from django_otp.models import Device

from accounts.backends import SESSION_DEVICE_OK, device_model, session_device
from accounts.signals import SESSION_SEEN, SESSION_STARTED
from accounts.two_factor import has_second_factor

Handler = Callable[[HttpRequest], HttpResponse]
# The last-seen time is written at most this often, so that most requests do not write the session.
SEEN_RESOLUTION_SECONDS = 30


def redirect(request: HttpRequest, url: str) -> HttpResponse:
    """A redirect that also works for htmx requests, which would otherwise swap the target page into a fragment."""
    if request.headers.get("HX-Request"):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return HttpResponseRedirect(url)


def login_url_for(request: HttpRequest) -> str:
    url = reverse(settings.LOGIN_URL)
    if request.method == "GET":
        url += "?" + urlencode({"next": request.get_full_path()})
    return url


class SignedInUserMiddleware(OTPMiddleware):
    """django_otp's OTPMiddleware (``request.user.otp_device``, ``is_verified()``) and the user in one statement.

    Installed right after Django's AuthenticationMiddleware, it loads the session's user itself (Django's
    ``auth.get_user``: the backend recorded in the session, the password-change hash check), while telling the backend
    which second-factor device the session names, so that ``UsernameOrEmailBackend.get_user`` checks in the same
    statement that the device still exists, belongs to the user and is confirmed (what django_otp checks by loading
    it). A deleted, reset or unconfirmed device leaves the user unverified on the very next request, as before. The
    device row itself is loaded only if something reads it."""

    def _install_lazy_accessors(self, request: HttpRequest) -> None:
        super()._install_lazy_accessors(request)  # request.auser for async views, as django_otp does
        if hasattr(request, "session"):
            request.user = SimpleLazyObject(functools.partial(self._signed_in_user, request))  # type: ignore[assignment]

    def _signed_in_user(self, request: HttpRequest) -> Any:
        persistent_id = request.session.get(DEVICE_ID_SESSION_KEY)
        with session_device(persistent_id):
            user = auth.get_user(request)
        self._init_user_fields(user)
        if user.is_authenticated and persistent_id:
            device: Any = None
            if device_model(persistent_id) is None:
                pass  # not a device's id: unverified (django_otp itself would fail on some of these)
            elif hasattr(user, SESSION_DEVICE_OK):
                if getattr(user, SESSION_DEVICE_OK):
                    device = SimpleLazyObject(functools.partial(Device.from_persistent_id, persistent_id))
            else:  # a user loaded by another backend: django_otp's own check
                device = self._finalize_device(request, user, self._device_from_persistent_id(persistent_id))
            if device is None:
                request.session.pop(DEVICE_ID_SESSION_KEY, None)
            user.otp_device = device  # type: ignore[attr-defined]
        return user


class SessionLifetimeMiddleware:
    """Sign out after ``IDLE_TIMEOUT`` without a request, and ``SESSION_MAX_AGE`` after signing in, whichever
    comes first."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = timezone.now().timestamp()
            started = request.session.get(SESSION_STARTED, now)
            seen = request.session.get(SESSION_SEEN, now)
            reason = ""
            if now - started > settings.SESSION_MAX_AGE.total_seconds():
                reason = "max_lifetime"
                message = _("You have been signed out because your session reached its maximum length.")
            elif now - seen > settings.IDLE_TIMEOUT.total_seconds():
                reason = "idle_timeout"
                message = _("You have been signed out after a period of inactivity.")
            if reason:
                request.jj_logout_reason = reason  # type: ignore[attr-defined]
                logout(request)
                messages.info(request, message)
                return redirect(request, login_url_for(request))
            if SESSION_STARTED not in request.session:
                request.session[SESSION_STARTED] = now
            if now - seen >= SEEN_RESOLUTION_SECONDS or SESSION_SEEN not in request.session:
                request.session[SESSION_SEEN] = now
        return self.get_response(request)


class LanguageMiddleware:
    """Bahasa Indonesia unless the user chose otherwise: the account's language when signed in, else the language
    cookie. The browser's Accept-Language is deliberately ignored: the network works in Indonesian."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response
        self.available = {code for code, _name in settings.LANGUAGES}

    def language_for(self, request: HttpRequest) -> str:
        if request.user.is_authenticated and request.user.language in self.available:
            return request.user.language
        cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if cookie in self.available:
            return cookie
        return settings.LANGUAGE_CODE

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = self.language_for(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        patch = response.headers.get("Vary", "")
        if "Cookie" not in patch:
            response.headers["Vary"] = f"{patch}, Cookie" if patch else "Cookie"
        return response


# URL names a signed-in user may reach before completing two-factor sign-in.
TWO_FACTOR_OPEN = {
    "accounts:two_factor_verify",
    "accounts:two_factor_setup",
    "accounts:logout",
    "accounts:set_language",
    "accounts:keepalive",
    "healthz",
}


class TwoFactorMiddleware:
    """Coordinators and admins must sign in with a second factor; so must anyone who enrolled one. Until they do,
    they reach nothing but enrolment, verification, the language switch and signing out."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and not user.is_verified():
            match = request.resolver_match or self._resolve(request)
            if match is None or match.view_name not in TWO_FACTOR_OPEN:
                if has_second_factor(user):
                    return redirect(request, self._with_next(request, reverse("accounts:two_factor_verify")))
                if user.two_factor_required:
                    return redirect(request, self._with_next(request, reverse("accounts:two_factor_setup")))
        return self.get_response(request)

    @staticmethod
    def _resolve(request: HttpRequest):
        from django.urls import Resolver404, resolve

        try:
            return resolve(request.path_info)
        except Resolver404:
            return None

    @staticmethod
    def _with_next(request: HttpRequest, url: str) -> str:
        if request.method == "GET" and not request.headers.get("HX-Request"):
            return url + "?" + urlencode({"next": request.get_full_path()})
        return url
