"""PDFs of printable pages, through WeasyPrint, without ever reaching the network.

A template is rendered to HTML in the active language, then laid out by WeasyPrint with a URL fetcher that answers
only for this site's own static files, read from disk (the collected static root, or the source folders through
Django's finders in development). Every other URL is refused before anything is opened: another host, a ``file://``
path, a ``data:`` URL, a static path that climbs out of its folder. Fonts come from the system (fontconfig: Debian's
DejaVu in the image), never from a URL.

Callers decide who may download and write the access log; this module only renders and shapes the response.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

CONTENT_TYPE = "application/pdf"


class Refused(ValueError):
    """A URL the PDF renderer may not fetch."""


def base_url() -> str:
    """The address relative URLs in a PDF's HTML resolve against: this site's own (``JEJARING_SITE_URL``)."""
    return f"{settings.SITE_URL.rstrip('/')}/"


def _static_roots() -> list[Path]:
    folders = [d[1] if isinstance(d, tuple) else d for d in settings.STATICFILES_DIRS]
    return [Path(str(root)).resolve() for root in [settings.STATIC_ROOT, *folders]]


def static_file(url: str) -> Path:
    """The file on disk behind one of this site's static URLs, or ``Refused``."""
    site, parts = urlsplit(base_url()), urlsplit(url)
    if (parts.scheme, parts.netloc) != (site.scheme, site.netloc) or not parts.path.startswith(settings.STATIC_URL):
        raise Refused(url)
    name = unquote(parts.path.removeprefix(settings.STATIC_URL))
    if not name or "\x00" in name or any(part in ("", ".", "..") for part in name.split("/")):
        raise Refused(url)
    candidates: list[str] = []
    try:
        if staticfiles_storage.exists(name):
            candidates.append(staticfiles_storage.path(name))
    except NotImplementedError:  # a remote storage: nothing on this disk
        pass
    found = finders.find(name)
    if isinstance(found, str):
        candidates.append(found)
    roots = _static_roots()
    for candidate in candidates:
        path = Path(candidate).resolve()
        if path.is_file() and any(path.is_relative_to(root) for root in roots):
            return path
    raise Refused(url)


def _fetcher_class() -> Any:
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyFetcher(URLFetcher):
        """Answers for this site's static files from disk; refuses everything else, and never opens a socket."""

        def fetch(self, url: str, headers: Any = None) -> Any:
            path = static_file(url)
            kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": kind})

    return StaticOnlyFetcher


def url_fetcher() -> Any:
    return _fetcher_class()()


def layout(html: str) -> Any:
    """The laid-out WeasyPrint document of this HTML (tests read its text boxes; ``render`` writes the PDF)."""
    from weasyprint import HTML

    return HTML(string=html, base_url=base_url(), url_fetcher=url_fetcher(), media_type="print").render()


def render(template: str, context: dict[str, Any], *, request: HttpRequest | None = None) -> bytes:
    """The template as PDF bytes, in the active language."""
    html = render_to_string(template, context, request=request)
    return bytes(layout(html).write_pdf())


def response(content: bytes, *, filename: str) -> HttpResponse:
    """A PDF as a download. ``filename`` is a reference (never a person's name or anything they typed)."""
    safe = "".join(ch for ch in filename if ch.isascii() and (ch.isalnum() or ch in "-_.")) or "jejaring.pdf"
    reply = HttpResponse(content, content_type=CONTENT_TYPE)
    reply["Content-Disposition"] = f'attachment; filename="{safe}"'
    reply["X-Content-Type-Options"] = "nosniff"
    reply["Content-Security-Policy"] = "default-src 'none'; sandbox"
    reply["Cache-Control"] = "private, no-store"
    return reply
