"""Request types for views behind ``login_required`` (for type checking only)."""

from __future__ import annotations

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from accounts.models import User


class AuthedRequest(HttpRequest):
    user: User
    htmx: HtmxDetails
