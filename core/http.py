"""Parsing what requests carry: ids typed into URLs and forms, posted forms, and where to go next."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.shortcuts import resolve_url
from django.utils.http import url_has_allowed_host_and_scheme


def row_id(text: str) -> int | None:
    """A database id typed into a URL or form: ASCII digits only ("²".isdigit() is true, yet int() refuses it), and
    short enough for a database integer; None otherwise."""
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 18 else None


def posted(request: HttpRequest) -> Any:
    """The POST data of a POST request, else None. Not ``request.POST or None``: an empty POST (every checkbox
    unticked) must still bind the form."""
    return request.POST if request.method == "POST" else None


def safe_next(request: HttpRequest, fallback: str = "home") -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(fallback)
