"""SQL per request, counted in-process with Django's test client against the bench database.

Each case page is requested as a caseworker of the smallest organisation, of the one under load and of the largest
(from a few hundred to several thousand cases): a count that stays the same across them, and between the first and a
deep page of the list, does not grow with the number of cases. Referral pages likewise, for organisations receiving
few, average and many referrals (the coordinators' queue narrowed to each of them, then the whole network). Each
page's fixtures are its ``Page.counts``. The slowest SELECT of each page (as the users who load it) is kept with its
EXPLAIN ANALYZE plan.
"""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import urlencode

from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from bench.load import BACKEND, DROPPED_COOKIES, otp_device_id
from bench.pages import CASE_LABELS, Fixture, Page, Request

LABELS = CASE_LABELS


def _send(client: Client, request: Request) -> Any:
    if request.method == "POST":  # form-encoded, as a browser and the load generator (bench.load) send a form
        body = urlencode(request.form or {}, doseq=True)
        response = client.post(request.path, body, content_type="application/x-www-form-urlencoded")
    else:
        response = client.get(request.path)
    for name in DROPPED_COOKIES:  # as the load generator does (bench.load): no page here shows them
        client.cookies.pop(name, None)
    return response


def _signed_in(fixture: Fixture) -> Client:
    client = Client(HTTP_HOST="127.0.0.1")
    user = User.objects.get(pk=fixture.users[0])
    client.force_login(user, backend=BACKEND)
    device = otp_device_id(user)
    if device is not None:  # a session verified with a second factor, as django_otp's login() leaves it
        session = client.session
        session["otp_device_id"] = device
        session.save()
    return client


def slowest_label(page: Page) -> str:
    """Whose request's slowest SELECT is kept: the users who load the page, else the middle of its fixtures."""
    return page.fixture if page.fixture in page.counts else page.counts[len(page.counts) // 2]


def count(pages: list[Page], fixtures: dict[str, Fixture]) -> dict[str, dict[str, Any]]:
    """{page: {fixture label: statements, ..., "slowest": {...}}}."""
    found: dict[str, dict[str, Any]] = {page.name: {} for page in pages}
    labels = list(dict.fromkeys(label for page in pages for label in page.counts))
    for number, label in enumerate(labels):
        fixture = fixtures[label]
        worker = 90 + number  # not a load worker's number: its intakes are new people, not duplicates
        signed_in, anonymous = _signed_in(fixture), Client(HTTP_HOST="127.0.0.1")
        for page in pages:
            if label not in page.counts:
                continue
            client = signed_in if page.signed_in else anonymous
            _send(client, page.build(fixture, worker, 0))  # warm-up: per-process caches, the session's first write
            timer = _Timer()
            with CaptureQueriesContext(connection) as captured, connection.execute_wrapper(timer):
                response = _send(client, page.build(fixture, worker, 1))
            if response.status_code != page.expect:
                raise SystemExit(f"{page.name} answered {response.status_code} in-process, not {page.expect}")
            found[page.name][label] = len(captured.captured_queries)
            if label == slowest_label(page):
                found[page.name]["slowest"] = timer.slowest_select()
    return found


class _Timer:
    """Times each statement precisely (CaptureQueriesContext rounds to the millisecond, and also lists COMMITs)."""

    def __init__(self) -> None:
        self.timed: list[tuple[float, str]] = []

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            text = connection.ops.last_executed_query(context["cursor"], sql, params)
            self.timed.append((time.perf_counter() - started, text))

    def slowest_select(self) -> dict[str, Any]:
        selects = [(seconds, sql) for seconds, sql in self.timed if sql.lstrip().startswith("SELECT")]
        if not selects:
            return {}
        seconds, sql = max(selects)
        return {"ms": round(seconds * 1000, 2), "sql": sql, "plan": explain(sql)}


def explain(sql: str) -> str:
    """EXPLAIN (ANALYZE, BUFFERS) of a SELECT, in a transaction that is rolled back."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        transaction.set_rollback(True)
    return plan
