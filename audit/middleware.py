"""The last net for refusals: a ``PermissionDenied`` that no layer logged (a service refusing its actor, say) still
writes one ``access_denied`` entry, with the URL name and no identifier. Layers that log their own refusal (the role
check, the case gate, the referral side) mark the request, so nothing is logged twice."""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.http.response import HttpResponseBase

from audit import access_log


class RefusalLogMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        if isinstance(exception, PermissionDenied) and not getattr(request, "jj_refusal_logged", False):
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated:
                access_log.record_refusal("refused", actor=user, request=request)
