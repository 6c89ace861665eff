"""Request types for views behind ``login_required`` (for type checking only), and parsing of what requests carry."""

from __future__ import annotations

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from accounts.models import User


class AuthedRequest(HttpRequest):
    user: User  # type: ignore[assignment]
    htmx: HtmxDetails


def row_id(text: str) -> int | None:
    """A database id typed into a URL or form: ASCII digits only ("²".isdigit() is true, yet int() refuses it), and
    short enough for a database integer; None otherwise."""
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 18 else None
