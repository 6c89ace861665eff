"""Request middleware: session lifetime, the user's language, and mandatory two-factor sign-in."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.signals import SESSION_SEEN, SESSION_STARTED

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
                from django_otp import user_has_device

                if user_has_device(user):
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
