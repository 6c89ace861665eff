"""python -m bench.profile PAGE...: where one page's request goes, in-process, against the bench database.

For each page (bench/pages.py): its statements, listed (one request, after a warm-up), then a cProfile of
``--requests`` requests (default 50), the functions with the most cumulative and own time, and the mean time per
request. Deterministic where throughput is not: use it to find what a page costs beyond the shell, then measure the
change with ``python -m bench``. The database must be seeded (run ``python -m bench`` once); the same environment as
the bench (``BENCH_DATABASE_URL``, ``BENCH_CACHE_URL``; the cache is not emptied).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import sys
import time
from typing import Any

from bench import database_url, environment


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.profile", description=__doc__)
    parser.add_argument("pages", nargs="+", metavar="PAGE")
    parser.add_argument("--requests", type=int, default=50, help="requests profiled per page (default 50)")
    parser.add_argument("--top", type=int, default=30, help="functions shown per sort (default 30)")
    parser.add_argument("--sql", action="store_true", help="print each statement in full (else its first 160 chars)")
    parser.add_argument("--no-profile", action="store_true", help="statements only")
    parser.add_argument(
        "--plans",
        action="store_true",
        help="after each page, how PostgreSQL planned its prepared statements on this connection (a statement"
        " planned anew on every run, custom_plans growing, pays its planning time each request)",
    )
    parser.add_argument(
        "--per-statement",
        action="store_true",
        help="then as many requests again, timing each statement (by its place in the request) and each COMMIT:"
        " PostgreSQL's CPU for it (its backend's /proc schedstat, when the server runs here), this thread's CPU and"
        " the wall time",
    )
    parser.add_argument("--dump", default="", metavar="FILE", help="also write the profile's statistics to FILE")
    parser.add_argument("--only", default="", metavar="REGEX", help="show only the functions whose path matches")
    parser.add_argument(
        "--callers", action="append", default=[], metavar="PATTERN", help="also print who calls the functions matching"
    )
    parser.add_argument(
        "--callees", action="append", default=[], metavar="PATTERN", help="also print what the functions matching call"
    )
    parser.add_argument(
        "--time",
        action="append",
        default=[],
        metavar="MODULE:FUNCTION",
        help="time these functions (wall and CPU per request, without the profiler), e.g."
        " casework.services.cases:case_open",
    )
    args = parser.parse_args(argv)
    os.environ.update(environment(database_url()))

    import django

    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from bench import pages, queries
    from bench.seed import marker

    by_name = {page.name: page for page in pages.PAGES}
    unknown = [name for name in args.pages if name not in by_name]
    if unknown:
        raise SystemExit(f"unknown page(s): {', '.join(unknown)}; known: {list(by_name)}")
    chosen = [by_name[name] for name in args.pages]
    seeded = marker() or {}
    from datetime import datetime

    seeded_at = datetime.fromisoformat(seeded["seeded_at"]) if seeded.get("seeded_at") else None
    referral_pages = any(p.name in pages.REFERRAL_PAGES for p in chosen)
    fixtures = pages.fixtures(
        seeded_at, cases=any(p.name not in pages.REFERRAL_PAGES for p in chosen), referrals=referral_pages
    )
    for page in chosen:
        fixture = fixtures[page.fixture]
        client = queries._signed_in(fixture) if page.signed_in else queries.Client(HTTP_HOST="127.0.0.1")
        worker = 80
        for warm in range(3):
            queries._send(client, page.build(fixture, worker, warm))
        with CaptureQueriesContext(connection) as captured:
            response = queries._send(client, page.build(fixture, worker, 3))
        print(f"\n=== {page.name}: {response.status_code}, {len(captured.captured_queries)} statements ===")
        for number, query in enumerate(captured.captured_queries, 1):
            sql = query["sql"] if args.sql else query["sql"][:160]
            print(f"{number:3}. {query['time']:>6}s  {sql}")
        # Without the profiler: wall time, and this process's CPU time (the rest is waiting on PostgreSQL and Redis).
        timers = _Timers(args.time)
        backend = _backend_cpu(connection)
        started, cpu = time.perf_counter(), time.process_time()
        for iteration in range(args.requests):
            queries._send(client, page.build(fixture, worker, 4 + iteration))
        wall = (time.perf_counter() - started) / args.requests * 1000
        here = (time.process_time() - cpu) / args.requests * 1000
        server = _backend_cpu(connection)
        timers.remove()
        served = (
            "" if None in (backend, server) else f", {(server - backend) / args.requests * 1000:.2f} ms in PostgreSQL"
        )  # type: ignore[operator]
        print(f"--- {args.requests} requests: {wall:.2f} ms each, {here:.2f} ms of it CPU here{served} (no profiler)")
        timers.report(args.requests)
        if args.per_statement:
            with _PerStatement(connection) as each:
                for iteration in range(args.requests):  # new iterations again
                    each.next_request()
                    queries._send(client, page.build(fixture, worker, 4 + 2 * args.requests + iteration))
            each.report(args.requests)
        if args.plans:
            _print_plans(connection)
        if args.no_profile:
            continue
        profiler = cProfile.Profile()
        started = time.perf_counter()
        profiler.enable()
        for iteration in range(args.requests):  # new iterations: an intake repeated would be a duplicate
            queries._send(client, page.build(fixture, worker, 4 + args.requests + iteration))
        profiler.disable()
        seconds = time.perf_counter() - started
        print(f"--- {args.requests} requests, {seconds / args.requests * 1000:.2f} ms each (with the profiler on)")
        if args.dump:
            profiler.dump_stats(args.dump)
        for sort in ("cumulative", "tottime"):
            out = io.StringIO()
            stats = pstats.Stats(profiler, stream=out)
            if args.only:
                stats.sort_stats(sort).print_stats(args.only, args.top)
            else:
                stats.strip_dirs().sort_stats(sort).print_stats(args.top)
            print(out.getvalue())
        for pattern in args.callers:
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).strip_dirs().sort_stats("cumulative").print_callers(pattern)
            print(out.getvalue())
        for pattern in args.callees:
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).strip_dirs().sort_stats("cumulative").print_callees(pattern)
            print(out.getvalue())


class _Timers:
    """Functions wrapped to add up their wall and CPU time (a call inside another timed one counts in both)."""

    def __init__(self, names: list[str]) -> None:
        import importlib

        self.wrapped: list[tuple[Any, str, Any]] = []
        self.totals: dict[str, list[float]] = {}
        for name in names:
            module_name, _, attribute = name.partition(":")
            owner: Any = importlib.import_module(module_name)
            *path, leaf = attribute.split(".")
            for part in path:
                owner = getattr(owner, part)
            original = getattr(owner, leaf)
            self.totals[name] = [0.0, 0.0, 0]
            setattr(owner, leaf, self._timed(name, original))
            self.wrapped.append((owner, leaf, original))

    def _timed(self, name: str, function: Any) -> Any:
        total = self.totals[name]

        def timed(*args: Any, **kwargs: Any) -> Any:
            started, cpu = time.perf_counter(), time.thread_time()
            try:
                return function(*args, **kwargs)
            finally:
                total[0] += time.perf_counter() - started
                total[1] += time.thread_time() - cpu
                total[2] += 1

        return timed

    def remove(self) -> None:
        for owner, leaf, original in self.wrapped:
            setattr(owner, leaf, original)

    def report(self, requests: int) -> None:
        for name, (wall, cpu, calls) in self.totals.items():
            print(
                f"    {name}: {wall / requests * 1000:.2f} ms wall, {cpu / requests * 1000:.2f} ms CPU per request"
                f" ({calls / requests:g} calls)"
            )


def _backend_cpu(connection: Any) -> float | None:
    """The CPU seconds this connection's PostgreSQL backend has used (user and system), read from /proc when the
    server runs on this machine, as the bench's does; None where it cannot be read (another host, not Linux)."""
    if connection.vendor != "postgresql":
        return None
    connection.ensure_connection()
    try:
        with open(f"/proc/{connection.connection.info.backend_pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _print_plans(connection: Any) -> None:
    """PostgreSQL's prepared statements of this connection so far (every page run before included): generic and
    custom plans made, and the statement."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT generic_plans, custom_plans, left(regexp_replace(statement, '\\s+', ' ', 'g'), 110)"
            " FROM pg_prepared_statements ORDER BY custom_plans DESC, generic_plans DESC"
        )
        found = cursor.fetchall()
    print("  generic  custom  statement")
    for generic, custom, statement in found:
        print(f"  {generic:>7} {custom:>7}  {statement}")


class _PerStatement:
    """Each statement's cost, by its place in the request (its first 90 characters shown), and the COMMITs': the
    server's CPU read from its backend's ``/proc/<pid>/schedstat`` (nanoseconds on the CPU) before and after, this
    thread's CPU and the wall time. Only on PostgreSQL running on this machine. A pipeline's statements are timed as
    they are queued: their round trip, at the pipeline's end, is not among them."""

    def __init__(self, connection: Any) -> None:
        from django.db import connections

        self.connection, self.real = connection, connections["default"]
        self.totals: dict[int, list[Any]] = {}
        self.place = 0

    def _server_ns(self) -> int:
        try:
            with open(f"/proc/{self.connection.connection.info.backend_pid}/schedstat") as stat:
                return int(stat.read().split()[0])
        except (OSError, AttributeError):
            return 0

    def _timed(self, place: int, label: str, run: Any) -> Any:
        server, cpu, wall = self._server_ns(), time.thread_time_ns(), time.perf_counter_ns()
        try:
            return run()
        finally:
            total = self.totals.setdefault(place, [0, 0, 0, label])
            total[0] += self._server_ns() - server
            total[1] += time.thread_time_ns() - cpu
            total[2] += time.perf_counter_ns() - wall

    def _wrapper(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        self.place += 1
        return self._timed(self.place, sql[:90], lambda: execute(sql, params, many, context))

    def next_request(self) -> None:
        self.place = 0

    def __enter__(self) -> _PerStatement:
        self.connection.ensure_connection()
        commit = self.real._commit
        self.real._commit = lambda: self._timed(10_000, "COMMIT", commit)
        self.wrapping = self.connection.execute_wrapper(self._wrapper)
        self.wrapping.__enter__()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.wrapping.__exit__(*exc)
        del self.real._commit

    def report(self, requests: int) -> None:
        if self.connection.vendor != "postgresql":
            return
        print(f"--- each statement, {requests} requests (server CPU; CPU here; wall; per request):")
        for place, (server, cpu, wall, label) in sorted(self.totals.items()):
            shown = "COMMIT" if place == 10_000 else f"{place:3}."
            print(
                f"    {shown:>6} {server / requests / 1000:7.0f} µs {cpu / requests / 1000:6.0f} µs"
                f" {wall / requests / 1000:6.0f} µs  {label}"
            )


if __name__ == "__main__":
    main(sys.argv[1:])
