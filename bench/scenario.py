"""The mixed load scenario (``python -m bench --load``): gunicorn with a real Redis broker, locust headless.

Writes what bench/locustfile.py needs (sessions per role, cases with their NIKs, referrals, references, users) to
bench/var/locust.json, serves the app, runs locust as a subprocess, and reads its CSV statistics back: requests,
failures and latency percentiles per page, the failures with their messages, and the server's error log lines.
"""

from __future__ import annotations

import csv
import os
import subprocess
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings

from accounts.choices import Role
from accounts.models import User
from audit.models import AccessLog
from bench import RESULTS_DIR, ROOT, VAR_DIR
from bench.pages import Fixture
from casework.models import Case
from referrals.models import Referral

BROKER = "redis://127.0.0.1:6379/14"  # queued tasks go to a real Redis; no worker consumes them here
DATA = VAR_DIR / "locust.json"
CSV_PREFIX = RESULTS_DIR / "load"


@dataclass
class PageStats:
    name: str
    requests: int
    failures: int
    rps: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float


@dataclass
class LoadResult:
    users: int
    spawn_rate: float
    seconds: int
    think: tuple[float, float]
    pages: list[PageStats]
    total: PageStats | None
    failures: list[dict[str, Any]] = field(default_factory=list)  # method, name, error, occurrences
    server_errors: list[str] = field(default_factory=list)  # lines of the gunicorn log written during the run
    command: str = ""
    load_average_before: float = 0.0
    load_average_after: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def environment(env: dict[str, str]) -> dict[str, str]:
    """The server's environment for the scenario: the bench's, with the Redis broker."""
    return {**env, "CELERY_BROKER_URL": BROKER}


def check_redis() -> None:
    import redis

    try:
        redis.Redis.from_url(BROKER, socket_connect_timeout=3).ping()
    except Exception as error:
        raise SystemExit(f"--load needs Redis at {BROKER} ({type(error).__name__}: {error})") from None


def prepare(fixture: Fixture, sessions_per_role: int = 20) -> Path:
    """Sessions for each role (coordinators' and admins' verified with a second factor) and what to ask for: the
    cases of the organisation under load with their NIKs, referrals, case references and users of the log."""
    import json

    from bench.load import session_for

    users = {
        "caseworker": list(User.objects.filter(pk__in=fixture.users).order_by("pk")),
        "coordinator": list(User.objects.filter(membership__role=Role.COORDINATOR, is_active=True).order_by("pk")),
        "admin": list(User.objects.filter(membership__role=Role.ADMIN, is_active=True).order_by("pk")),
    }
    sessions = {
        role: [session_for(people[n % len(people)]) for n in range(sessions_per_role)] for role, people in users.items()
    }
    references = list(Case.objects.filter(pk__in=fixture.case_ids[:100]).values_list("reference", flat=True))
    viewers = list(
        AccessLog.objects.filter(actor__isnull=False).order_by("-id").values_list("actor_id", flat=True)[:2000]
    )
    data = {
        "cookie": settings.SESSION_COOKIE_NAME,
        "sessions": sessions,
        "cases": list(zip(fixture.case_ids, fixture.niks, strict=True)),
        "referrals": [str(pk) for pk in Referral.objects.order_by("?").values_list("pk", flat=True)[:500]],
        "references": references,
        "users": sorted(set(viewers))[:200] or [u.pk for u in users["caseworker"]],
    }
    DATA.parent.mkdir(parents=True, exist_ok=True)
    DATA.write_text(json.dumps(data), encoding="utf-8")
    return DATA


def _number(value: str) -> float:
    try:
        return float(value)
    except ValueError:
        return 0.0


def _stats(row: dict[str, str]) -> PageStats:
    return PageStats(
        name=row["Name"],
        requests=int(row["Request Count"]),
        failures=int(row["Failure Count"]),
        rps=round(_number(row["Requests/s"]), 2),
        p50_ms=_number(row["50%"]),
        p95_ms=_number(row["95%"]),
        p99_ms=_number(row["99%"]),
        max_ms=round(_number(row["Max Response Time"]), 1),
    )


def run(
    env: dict[str, str],
    port: int,
    *,
    users: int,
    spawn_rate: float,
    seconds: int,
    think: tuple[float, float],
    ports: list[int] | None = None,
    csv_prefix: Path = CSV_PREFIX,
) -> LoadResult:
    """Run locust headless against the server on ``port`` (or the instances on ``ports``, the users spread over
    them in turn); its output goes to bench/var/locust.log."""
    log_path = VAR_DIR / "gunicorn.log"
    log_start = log_path.stat().st_size if log_path.exists() else 0
    command = [
        str(ROOT / ".venv" / "bin" / "locust"),
        "-f",
        str(ROOT / "bench" / "locustfile.py"),
        "--headless",
        "-u",
        str(users),
        "-r",
        str(spawn_rate),
        "-t",
        f"{seconds}s",
        "--host",
        f"http://127.0.0.1:{port}",
        "--csv",
        str(csv_prefix),
    ]
    before = os.getloadavg()[0]
    locust_env = {
        **os.environ,
        "BENCH_LOCUST_DATA": str(DATA),
        "BENCH_THINK_MIN": str(think[0]),
        "BENCH_THINK_MAX": str(think[1]),
        "BENCH_HOSTS": ",".join(f"http://127.0.0.1:{p}" for p in ports or []),
    }
    started = time.perf_counter()
    with open(VAR_DIR / "locust.log", "wb") as out:
        finished = subprocess.run(command, cwd=ROOT, env=locust_env, stdout=out, stderr=out, check=False)
    if finished.returncode not in (0, 1):  # locust exits with 1 when any request failed
        raise SystemExit(f"locust exited with {finished.returncode}; see {VAR_DIR / 'locust.log'}")
    print(f"  locust ran {time.perf_counter() - started:.0f} s (exit {finished.returncode})")
    with open(f"{csv_prefix}_stats.csv", encoding="utf-8") as stats_file:
        rows = list(csv.DictReader(stats_file))
    with open(f"{csv_prefix}_failures.csv", encoding="utf-8") as failures_file:
        failures = [
            {"method": r["Method"], "name": r["Name"], "error": r["Error"], "occurrences": int(r["Occurrences"])}
            for r in csv.DictReader(failures_file)
        ]
    server_errors = []
    if log_path.exists():
        with open(log_path, "rb") as log:
            log.seek(log_start)
            server_errors = [line for line in log.read().decode(errors="replace").splitlines() if line.strip()]
    pages = sorted((_stats(r) for r in rows if r["Name"] != "Aggregated"), key=lambda s: s.name)
    total = next((_stats(r) for r in rows if r["Name"] == "Aggregated"), None)
    return LoadResult(
        users=users,
        spawn_rate=spawn_rate,
        seconds=seconds,
        think=think,
        pages=pages,
        total=total,
        failures=failures,
        server_errors=server_errors[-200:],
        command=" ".join(command[1:]).replace(str(ROOT) + "/", ""),
        load_average_before=round(before, 2),
        load_average_after=round(os.getloadavg()[0], 2),
    )


def table(result: LoadResult) -> str:
    lines = [
        f"Load: {result.users} users ({result.spawn_rate:g}/s), {result.seconds} s, think "
        f"{result.think[0]:g}-{result.think[1]:g} s between steps",
        f"{'page':<34}{'requests':>9}{'rps':>7}{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}{'max ms':>8}{'errors':>8}",
    ]
    for stats in [*result.pages, *([result.total] if result.total else [])]:
        lines.append(
            f"{stats.name:<34}{stats.requests:>9}{stats.rps:>7.1f}{stats.p50_ms:>8.0f}{stats.p95_ms:>8.0f}"
            f"{stats.p99_ms:>8.0f}{stats.max_ms:>8.0f}{stats.failures:>8}"
        )
    errors = sum(f["occurrences"] for f in result.failures)
    lines.append(f"Errors: {errors}" + (" (target: none) met" if not errors else " (target: none) NOT MET"))
    for failure in result.failures:
        lines.append(f"  {failure['occurrences']} × {failure['method']} {failure['name']}: {failure['error']}")
    if result.server_errors:
        lines.append(f"Server log during the run ({len(result.server_errors)} lines; bench/var/gunicorn.log):")
        lines += [f"  {line}" for line in result.server_errors[:20]]
    return "\n".join(lines)
