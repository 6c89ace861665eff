"""With DEBUG on (the demo, a developer's laptop), a page that is not found is still the friendly page in the user's
language, as in production, instead of Django's technical page in English. Refusals (403) already use
``handler403`` whatever DEBUG says. Set JEJARING_TECHNICAL_404=1 to see Django's technical page while developing."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse

from core import errors


class FriendlyNotFoundMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    @staticmethod
    def active() -> bool:
        return settings.DEBUG and not getattr(settings, "TECHNICAL_404", False)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # No URL matched: Django answered with its technical page before any view ran.
        if self.active() and response.status_code == 404 and getattr(request, "resolver_match", None) is None:
            return errors.page_not_found(request)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if self.active() and isinstance(exception, Http404):
            return errors.page_not_found(request, exception)
        return None
