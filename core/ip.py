"""The client's address, the one place it is worked out: lockouts (axes), the access log and its flags all ask here.

Behind ``JEJARING_PROXY_COUNT`` trusted reverse proxies (each appending the address it received from to
``X-Forwarded-For``), django-ipware reads the client's address from that header; with no proxy the header is ignored
(anyone can send it) and the connection's address is the client's. A header that does not have the expected number
of hops (forged by the client) is not believed: the connection's address is used.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from ipware.ip import get_client_ip


def ipware_options(proxy_count: int) -> dict[str, Any]:
    """django-ipware's parameters for ``proxy_count`` proxies in front. ipware counts the proxies listed in the header
    after the client; the nearest proxy is not listed (it is the connection's address), hence one less."""
    if proxy_count <= 0:
        return {"proxy_count": None, "request_header_order": ["REMOTE_ADDR"]}
    return {"proxy_count": proxy_count - 1, "request_header_order": ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]}


def client_ip(request: Any) -> str | None:
    """The request's client address, worked out once per request (kept on it: the access log, the lockouts and the
    flags each ask)."""
    if request is None:
        return None
    meta = getattr(request, "META", None)
    if meta is None:
        return None
    kept = getattr(request, "_jj_client_ip", _UNSET)
    if kept is not _UNSET:
        return kept  # type: ignore[return-value]
    address, _routable = get_client_ip(request, **ipware_options(int(settings.JEJARING_PROXY_COUNT)))
    if address is None:  # a header with fewer hops than configured: not the proxies' doing
        address = meta.get("REMOTE_ADDR") or None
    request._jj_client_ip = address
    return address


_UNSET = object()
