"""Load: N threads, each a signed-in user on its own keep-alive connection, request one page for a fixed time.

Sessions are made directly in the database (what a sign-in leaves behind), so no password hashing or 2FA is in the
measurement; a coordinator's or admin's session is one verified with a second factor (``otp_device_id``, the
bench's own TOTP device for that user). POSTs carry the CSRF token from a form, with Origin and Referer like a
browser. Redirects are not followed: a POST is measured alone.
"""

from __future__ import annotations

import http.client
import re
import threading
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from importlib import import_module
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.utils import timezone

from accounts.models import User
from accounts.signals import SESSION_SEEN, SESSION_STARTED
from bench.pages import Fixture, Page, Request

BACKEND = "accounts.backends.UsernameOrEmailBackend"
CSRF_FIELD = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
# Flash messages ride in this cookie until the next page shows them. The bench does not follow redirects, so it drops
# the cookie as the next page would have; kept, the messages would pile up into the session on every POST.
DROPPED_COOKIES = {"messages"}


def otp_device_id(user: User) -> str | None:
    """For a user who must sign in with a second factor (coordinators, admins): the persistent id of a confirmed TOTP
    device, created for the bench if the user has none, which a verified session names. None for anyone else."""
    if not user.two_factor_required:
        return None
    from accounts.models import Authenticator as TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
    return str(device.persistent_id)


def session_for(user: User) -> str:
    """A signed-in session as accounts' sign-in leaves it (see accounts/signals.py), verified with a second factor
    for those who need one (django_otp's login() leaves ``otp_device_id`` in the session)."""
    from django_otp import DEVICE_ID_SESSION_KEY

    store = import_module(settings.SESSION_ENGINE).SessionStore()
    now = timezone.now().timestamp()
    store.update(
        {
            SESSION_KEY: str(user.pk),
            BACKEND_SESSION_KEY: BACKEND,
            HASH_SESSION_KEY: user.get_session_auth_hash(),
            SESSION_STARTED: now,
            SESSION_SEEN: now,
        }
    )
    device = otp_device_id(user)
    if device is not None:
        store[DEVICE_ID_SESSION_KEY] = device
    store.create()
    return str(store.session_key)


class Client:
    """One keep-alive connection with a cookie jar."""

    def __init__(self, port: int, session_key: str) -> None:
        self.port = port
        self.origin = f"http://127.0.0.1:{port}"
        self.cookies = {settings.SESSION_COOKIE_NAME: session_key} if session_key else {}
        self.csrf = ""
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def send(self, request: Request) -> tuple[int, bytes]:
        headers = {"Host": f"127.0.0.1:{self.port}", "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if request.method == "POST":
            form = {**(request.form or {}), "csrfmiddlewaretoken": self.csrf}
            body = urlencode(form, doseq=True).encode()
            headers |= {
                "Content-Type": "application/x-www-form-urlencoded",
                "Origin": self.origin,
                "Referer": f"{self.origin}/cases/",
            }
        try:
            self.conn.request(request.method, request.path, body=body, headers=headers)
            response = self.conn.getresponse()
        except (http.client.HTTPException, OSError):
            self.conn.close()  # the server closed an idle connection: reconnect once
            self.conn.request(request.method, request.path, body=body, headers=headers)
            response = self.conn.getresponse()
        content = response.read()
        for header in response.msg.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                if name in DROPPED_COOKIES:
                    continue
                if morsel.value and morsel["max-age"] != "0":
                    self.cookies[name] = morsel.value
                else:
                    self.cookies.pop(name, None)
        return response.status, content

    def fetch_csrf(self, path: str = "/cases/") -> None:
        """Open a page with a form, as a browser would before posting; keep its cookie and token."""
        status, content = self.send(Request("GET", path))
        match = CSRF_FIELD.search(content)
        if status != 200 or match is None:
            raise RuntimeError(f"could not get a CSRF token (GET {path} answered {status})")
        self.csrf = match.group(1).decode()


@dataclass
class Sample:
    """What one stretch of load on one page gave."""

    seconds: float
    latencies: list[float]  # seconds, every request
    errors: dict[str, int]  # unexpected status (or exception, or setup failure) -> count


@dataclass
class Result:
    page: str
    seconds: float = 0.0
    requests: int = 0
    rps: float = 0.0
    p50_ms: float = 0.0
    p95_ms: float = 0.0
    p99_ms: float = 0.0
    max_ms: float = 0.0
    errors: int = 0
    error_kinds: dict[str, int] = field(default_factory=dict)


def _percentile(ordered: list[float], share: float) -> float:
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def summarise(page: str, samples: list[Sample]) -> Result:
    """One page's figures over all its samples (rounds): throughput over the time measured, latency percentiles."""
    seconds = sum(sample.seconds for sample in samples)
    ordered = sorted(latency * 1000 for sample in samples for latency in sample.latencies)
    kinds: dict[str, int] = {}
    for sample in samples:
        for kind, n in sample.errors.items():
            kinds[kind] = kinds.get(kind, 0) + n
    return Result(
        page=page,
        seconds=round(seconds, 2),
        requests=len(ordered),
        rps=round(len(ordered) / seconds, 1) if seconds else 0.0,
        p50_ms=round(_percentile(ordered, 0.50), 1),
        p95_ms=round(_percentile(ordered, 0.95), 1),
        p99_ms=round(_percentile(ordered, 0.99), 1),
        max_ms=round(ordered[-1], 1) if ordered else 0.0,
        errors=sum(kinds.values()),
        error_kinds=kinds,
    )


def run(
    page: Page,
    fixture: Fixture,
    sessions: list[str],
    port: int,
    *,
    seconds: float,
    concurrency: int,
    warmup: float = 0,
    first: int = 0,
) -> Sample:
    """``concurrency`` workers request ``page`` for ``seconds``, after ``warmup`` seconds that are not counted.
    Iterations are numbered from ``first``, so that successive rounds ask for other cases and new people."""
    latencies: list[list[float]] = [[] for _ in range(concurrency)]
    errors: list[dict[str, int]] = [{} for _ in range(concurrency)]
    clock: dict[str, float] = {}
    ready = threading.Barrier(concurrency, action=lambda: clock.update(start=time.perf_counter()))

    def worker(number: int) -> None:
        client = Client(port, sessions[number % len(sessions)] if page.signed_in else "")
        mine, failed = latencies[number], errors[number]
        try:
            if page.build(fixture, number, 0).method == "POST":
                client.fetch_csrf(page.csrf_from)
            warm_until, warm = time.perf_counter() + warmup, 0
            while warm < 2 or time.perf_counter() < warm_until:  # untimed: lazy imports, caches, connections
                warm += 1
                client.send(page.build(fixture, number, -first - warm))
        except Exception as error:
            failed[f"setup: {error}"] = 1
            ready.wait()
            return
        ready.wait()
        deadline, iteration = clock["start"] + seconds, first
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            try:
                status, _content = client.send(page.build(fixture, number, iteration))
            except Exception as error:
                status, kind = 0, type(error).__name__
            else:
                kind = str(status)
            mine.append(time.perf_counter() - started)
            if status != page.expect:
                failed[kind] = failed.get(kind, 0) + 1
            iteration += 1
        client.conn.close()

    threads = [threading.Thread(target=worker, args=(n,), daemon=True) for n in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    merged: dict[str, int] = {}
    for worker_errors in errors:
        for kind, n in worker_errors.items():
            merged[kind] = merged.get(kind, 0) + n
    return Sample(time.perf_counter() - clock["start"], [x for worker in latencies for x in worker], merged)
