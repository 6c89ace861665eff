"""python -m bench: prepare the bench database, seed it once, serve the app with gunicorn, measure, report.

By default every page (bench/pages.py) and every job (bench/jobs.py); ``--only NAME...`` picks pages and jobs by
name; ``--load`` runs the mixed locust scenario (bench/locustfile.py) instead, plus any page or job named by --only.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from dataclasses import asdict
from datetime import datetime
from typing import TYPE_CHECKING, Any

from bench import database_url, environment, scale_broker_url

if TYPE_CHECKING:  # importing these needs Django set up first
    from bench.jobs import JobResult
    from bench.load import Result
    from bench.pages import Fixture, Page
    from bench.scenario import LoadResult


def _arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--seconds", type=float, default=15, help="measured seconds per page (default 15)")
    parser.add_argument("--rounds", type=int, default=3, help="split each page's time into rounds, interleaved (3)")
    parser.add_argument(
        "--bracket",
        type=int,
        default=4,
        help="measure the references again after every N pages, and compare each page with those around it (4; 0: "
        "once a round)",
    )
    parser.add_argument("--warmup", type=float, default=3, help="unmeasured seconds before each page's first round (3)")
    parser.add_argument("--concurrency", type=int, default=8, help="concurrent clients (default 8)")
    parser.add_argument("--cases", type=int, default=100_000, help="cases to seed (default 100,000)")
    parser.add_argument("--referrals", type=int, default=50_000, help="referrals to seed (default 50,000)")
    parser.add_argument("--practices", type=int, default=10_000, help="practices to seed (default 10,000)")
    parser.add_argument("--documents", type=int, default=2_000, help="library documents to seed (default 2,000)")
    parser.add_argument("--skip-seed", action="store_true", help="use the database as it is, whatever its size")
    parser.add_argument("--reseed", action="store_true", help="drop the bench database and seed it again")
    parser.add_argument("--only", nargs="+", metavar="NAME", help="measure only these pages and jobs")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes (default 2)")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker (default 4)")
    parser.add_argument("--explain", action="store_true", help="print EXPLAIN ANALYZE of each page's slowest SELECT")
    parser.add_argument("--load", action="store_true", help="run the mixed locust scenario (not the pages and jobs)")
    parser.add_argument("--users", type=int, default=20, help="--load: concurrent users (default 20)")
    parser.add_argument("--spawn-rate", type=float, default=5, help="--load: users started per second (5)")
    parser.add_argument("--load-seconds", type=int, default=None, help="--load: how long (60; --scale-out: 180)")
    parser.add_argument(
        "--scale-out",
        action="store_true",
        help="two gunicorn instances against one, two Celery workers and one beat, the locust scenario",
    )
    parser.add_argument("--scale-users", type=int, nargs="+", default=[50, 100], help="--scale-out: users (50 100)")
    parser.add_argument(
        "--scale-reminders", type=int, default=500, help="--scale-out: reminders falling due per phase (500)"
    )
    parser.add_argument("--celery-workers", type=int, default=2, help="--scale-out: Celery workers (2)")
    parser.add_argument("--celery-concurrency", type=int, default=2, help="--scale-out: processes per worker (2)")
    parser.add_argument(
        "--think", type=float, nargs=2, default=(0.5, 2.0), metavar=("MIN", "MAX"), help="--load: seconds between steps"
    )
    return parser.parse_args(argv)


def main(argv: list[str]) -> None:
    args = _arguments(argv)
    if args.load_seconds is None:
        args.load_seconds = 180 if args.scale_out else 60
    url = database_url()
    env = environment(url)
    if args.scale_out:
        env["CELERY_BROKER_URL"] = scale_broker_url()  # the app's tasks, this process's included, go to Redis
    os.environ.update(env)  # before Django reads its settings
    started = time.perf_counter()
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")

    from bench import server

    print(f"Bench database: {url}")
    if server.ensure_database(url, drop=args.reseed):
        print("  created")
    server.migrate(env)

    import django

    django.setup()
    from django.core.cache import cache

    from bench import cache_url, jobs, pages, queries, report

    cache.clear()  # sessions and counts of an earlier run (or an earlier seed) must not leak into this one
    print(f"Bench cache: {cache_url()} (emptied)")

    known = [p.name for p in pages.PAGES] + list(jobs.JOBS)
    unknown = set(args.only or []) - set(known)
    if unknown:
        raise SystemExit(f"unknown page(s) or job(s): {', '.join(sorted(unknown))}; known: {known}")
    wanted = set(args.only) if args.only else (set() if args.load or args.scale_out else set(known))
    if wanted & {p.name for p in pages.PAGES}:
        wanted.add(pages.FLOOR)  # every run of pages measures the floor too, in the same rounds
        wanted |= {target.of for page in pages.PAGES if page.name in wanted for target in page.targets}
    selected = [p for p in pages.PAGES if p.name in wanted]
    chosen_jobs = [name for name in jobs.JOBS if name in wanted]
    if args.load:
        from bench import scenario

        scenario.check_redis()

    seeded = _seed(args)
    seeded_at = datetime.fromisoformat(seeded["seeded_at"]) if seeded.get("seeded_at") else None
    referral_pages = any(p.name in pages.REFERRAL_PAGES for p in selected)
    case_pages = args.load or args.scale_out or any(p.name not in pages.REFERRAL_PAGES for p in selected)
    # Each reassignment uses up a referral: enough for the page's whole time at 500 requests a second.
    reassignments = max(3000, int((args.seconds + args.warmup) * 500))
    fixtures = pages.fixtures(seeded_at, cases=case_pages, referrals=referral_pages, reassignments=reassignments)
    if args.load or any(p.name in pages.NETWORK_PAGES for p in selected):
        from bench import network

        print("Network aggregates…")
        network.prepare()
    if selected or args.load or args.scale_out:
        from bench import seed

        seed.settle()
    counts: dict[str, dict[str, Any]] = {}
    results: dict[str, Result] = {}
    near: dict[str, dict[str, Result]] = {}
    load_average = os.getloadavg()[0]
    if selected:
        print("Counting SQL per request in-process…")
        counts = queries.count(selected, fixtures)
        results, near, load_average = _measure(args, env, selected, fixtures)
    job_results = _jobs(chosen_jobs, seeded_at)
    load_result = _load(args, env, fixtures) if args.load else None
    scale_result = None
    if args.scale_out:
        from bench import scaleout

        scale_result = scaleout.run(args, env, fixtures)

    if selected:
        print()
        print(report.table(selected, results, counts, fixtures, near))
        print(report.errors(results))
    if job_results:
        print()
        print(report.jobs(job_results))
    if load_result is not None:
        from bench import scenario

        print()
        print(scenario.table(load_result))
    if scale_result is not None:
        from bench import scaleout

        print()
        print(scaleout.table(scale_result))
    if args.explain:
        print()
        print(report.plans(counts))
    data = _record(args, url, stamp, started, seeded, fixtures, selected, results, counts, load_average, near)
    data["jobs"] = [job.as_dict() for job in job_results]
    data["load"] = load_result.as_dict() if load_result is not None else None
    data["scale_out"] = scale_result.as_dict() if scale_result is not None else None
    path = report.write(stamp, data)
    print(f"\nResults: {path.relative_to(path.parents[2])}  (whole run {data['seconds_total']:.0f} s)")


def _jobs(names: list[str], seeded_at: datetime | None) -> list[JobResult]:
    """Each job in-process, after the pages (gunicorn is stopped by then)."""
    from bench import jobs

    found = []
    for name in names:
        load_average = os.getloadavg()[0]
        print(f"Job {name} (load average {load_average:.1f})…")
        result = jobs.JOBS[name](seeded_at)
        result.notes.append(f"load average before the job {load_average:.2f}, after {os.getloadavg()[0]:.2f}")
        found.append(result)
    return found


def _load(args: argparse.Namespace, env: dict[str, str], fixtures: dict[str, Fixture]) -> LoadResult:
    """The mixed scenario: gunicorn with the Redis broker, locust headless (bench/scenario.py)."""
    from django.db import connections

    from bench import scenario, server

    scenario.prepare(fixtures["bench"])
    connections.close_all()
    load_average = os.getloadavg()[0]
    print(
        f"Load scenario: {args.users} users for {args.load_seconds} s (load average {load_average:.1f}); "
        f"gunicorn {args.workers} × {args.threads}, broker {scenario.BROKER}"
    )
    with server.gunicorn(scenario.environment(env), workers=args.workers, threads=args.threads) as port:
        return scenario.run(
            env,
            port,
            users=args.users,
            spawn_rate=args.spawn_rate,
            seconds=args.load_seconds,
            think=(args.think[0], args.think[1]),
        )


def _seed(args: argparse.Namespace) -> dict[str, Any]:
    from bench import learning, referrals, seed

    if args.skip_seed:
        return {**(seed.marker() or {}), "referrals": referrals.marker(), "learning": learning.marker()}
    print(f"Seeding {args.cases:,} cases (once per database)…")
    seeded = seed.ensure(args.cases)
    if seeded["reused"]:
        print(f"  reused the seed of {seeded['seeded_at']} (it took {seeded['seconds']:.0f} s)")
    else:
        print(f"  seeded in {seeded['seconds']:.0f} s")
    print(f"Seeding {args.referrals:,} referrals (once per database)…")
    found = referrals.ensure(args.referrals, datetime.fromisoformat(seeded["seeded_at"]))
    if found["reused"]:
        print(f"  reused the referral seed of {found['seeded_at']} (it took {found['seconds']:.0f} s)")
    else:
        print(f"  seeded in {found['seconds']:.0f} s")
    print(f"Seeding {args.practices:,} practices and {args.documents:,} documents (once per database)…")
    learned = learning.ensure(args.practices, args.documents)
    took = f"{learned['seconds']:.0f} s"
    print(f"  reused the learning seed (it took {took})" if learned["reused"] else f"  seeded in {took}")
    return {**seeded, "referrals": found, "learning": learned}


def _measure(
    args: argparse.Namespace, env: dict[str, str], selected: list[Page], fixtures: dict[str, Fixture]
) -> tuple[dict[str, Result], dict[str, dict[str, Result]], float]:
    """Serve the app with gunicorn and load each page in turn, sent by its fixture organisation's caseworkers. Also
    returns, for each page that is not a reference, the references' figures of the stretches around its own."""
    from django.db import connections

    from accounts.models import User
    from bench import load, rounds, server
    from casework.models import Case

    if "bench" in fixtures:
        bench, intake = fixtures["bench"], fixtures["intake"]
        print(
            f"Under load: {args.concurrency} caseworkers of {bench.organisation} ({bench.cases:,} cases; deep page = "
            f"page {bench.deep_page}); intakes at {intake.organisation}; {Case.objects.count():,} cases in the database"
        )
    if "coordinators" in fixtures:
        busiest = fixtures["recv_large"]
        print(
            f"Referral pages: coordinators over {fixtures['coordinators'].referrals:,} referrals; inbox of "
            f"{busiest.organisation} ({busiest.referrals:,} received)"
        )
    sessions = {
        label: [load.session_for(u) for u in User.objects.filter(pk__in=fixtures[label].users[: args.concurrency])]
        for label in {page.fixture for page in selected}
    }
    connections.close_all()
    load_average = os.getloadavg()[0]
    if load_average > 0.5:
        print(f"Note: the machine is busy before the run (load average {load_average:.1f}); the figures will be noisy.")
    print(f"Serving with gunicorn: {args.workers} workers × {args.threads} threads (gthread)")
    samples: dict[str, list[load.Sample]] = {page.name: [] for page in selected}
    measured: list[tuple[str, load.Sample]] = []
    round_order = rounds.order(selected, args.bracket)
    with server.gunicorn(env, workers=args.workers, threads=args.threads) as port:
        # Rounds interleave the pages, so that a change in what else the machine is doing affects them all alike,
        # and the references come back every few pages (bench/rounds.py).
        for number in range(args.rounds):
            for page in round_order:
                sample = load.run(
                    page,
                    fixtures[page.fixture],
                    sessions[page.fixture],
                    port,
                    seconds=args.seconds / args.rounds,
                    concurrency=args.concurrency,
                    warmup=args.warmup if not samples[page.name] else 0,
                    first=number * 250,
                )
                samples[page.name].append(sample)
                measured.append((page.name, sample))
                rps = len(sample.latencies) / sample.seconds
                print(f"  round {number + 1}: {page.name:<16} {rps:7.1f} rps  errors {sum(sample.errors.values())}")
    results = {name: load.summarise(name, page_samples) for name, page_samples in samples.items()}
    near = {
        name: {reference: load.summarise(reference, found) for reference, found in references.items()}
        for name, references in rounds.bracketing(measured).items()
    }
    return results, near, load_average


def _record(
    args: argparse.Namespace,
    url: str,
    stamp: str,
    started: float,
    seeded: dict[str, Any],
    fixtures: dict[str, Fixture],
    selected: list[Page],
    results: dict[str, Result],
    counts: dict[str, dict[str, Any]],
    load_average: float,
    near: dict[str, dict[str, Result]],
) -> dict[str, Any]:
    """Everything about the run, for bench/results/<stamp>.json."""
    from bench import report, server
    from casework.models import Case

    return {
        "started": stamp,
        "seconds_total": round(time.perf_counter() - started, 1),
        "arguments": vars(args),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "postgres": server.server_version(url),
            "load_average_before": round(load_average, 2),
            "load_average_after": round(os.getloadavg()[0], 2),
        },
        "gunicorn": {"workers": args.workers, "threads": args.threads, "worker_class": "gthread"},
        "seed": seeded,
        "cases_in_database": Case.objects.count(),
        "fixtures": {
            label: {
                "organisation": f.organisation,
                "cases": f.cases,
                "deep_page": f.deep_page,
                "referrals": f.referrals,
            }
            for label, f in fixtures.items()
        },
        "pages": [
            {
                "name": page.name,
                "describe": page.describe,
                "target": asdict(page.target) if page.target else None,
                "targets": [asdict(target) for target in page.targets],
                **asdict(results[page.name]),
                "bracketing_rps": {reference: result.rps for reference, result in near.get(page.name, {}).items()},
                "ratios": report.ratios(page, results, near),
                "sql_per_request": {k: v for k, v in counts.get(page.name, {}).items() if k != "slowest"},
                "slowest_select": counts.get(page.name, {}).get("slowest"),
            }
            for page in selected
        ],
    }


if __name__ == "__main__":
    main(sys.argv[1:])
