"""Fail closed, but not with a server error page: a case whose key is unavailable shows a clear 503."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from casework.crypto import CryptoError

logger = logging.getLogger("jejaring.crypto")


class CryptoErrorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, CryptoError):
            return None
        # The messages of CryptoError name keys and failures, never data.
        logger.error("case data could not be opened: %s: %s", type(exception).__name__, exception)
        return render(request, "errors/key_unavailable.html", status=503)
