"""Scale out, shown (``python -m bench --scale-out``): the production shape with two of everything that scales.

Two Celery workers and one beat run for the whole mode on the bench's PostgreSQL and a Redis broker of its own; the
web side runs the mixed locust scenario (bench/locustfile.py) for each number of users (``--scale-users``, 50 and 100)
first against one gunicorn instance, then against two on two ports (the load generator gives each user one of them in
turn, as a sticky balancer would): throughput with one and two instances in the same run, on the same machine.

Reminders are delivered exactly once: before each phase, ``--scale-reminders`` follow-ups of open cases fall due over
the phase's first half (rows as ``casework.reminders.schedule_follow_up`` writes them). Beat's minute tick and the
tasks the app queues dispatch them on both workers at once (and a burst of extra dispatch tasks at each phase start
makes the two workers race for the same rows). At the end: every one of them sent, one delivery each (the case's
assigned caseworker), no reminder delivered twice, one notification per delivery.
"""

from __future__ import annotations

import os
import subprocess
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import asdict, dataclass, field
from datetime import timedelta
from typing import Any

from django.db.models import Count, Max, Min
from django.utils import timezone

from bench import RESULTS_DIR, ROOT, VAR_DIR, scale_broker_url, scenario, server
from bench.pages import Fixture

BROKER = scale_broker_url()  # a Redis database the mode owns (emptied at the start)
RUN = uuid.uuid4().hex[:8]


@dataclass
class Phase:
    users: int
    instances: int
    seconds: int
    reminders_due: int
    result: dict[str, Any]

    @property
    def rps(self) -> float:
        total = self.result.get("total") or {}
        return float(total.get("rps", 0.0))

    @property
    def errors(self) -> int:
        return sum(f["occurrences"] for f in self.result.get("failures", []))


@dataclass
class Delivered:
    due: int = 0
    sent: int = 0
    pending: int = 0
    deliveries: int = 0
    distinct_pairs: int = 0
    notifications: int = 0
    min_per_reminder: int = 0
    max_per_reminder: int = 0
    waited_seconds: float = 0.0

    @property
    def exactly_once(self) -> bool:
        return (
            self.sent == self.due
            and self.deliveries == self.due
            and self.distinct_pairs == self.deliveries
            and self.notifications == self.deliveries
            and self.min_per_reminder == self.max_per_reminder == 1
        )


@dataclass
class ScaleOut:
    workers_per_instance: int
    threads: int
    celery_workers: int
    celery_concurrency: int
    phases: list[Phase] = field(default_factory=list)
    delivered: Delivered = field(default_factory=Delivered)
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["delivered"]["exactly_once"] = self.delivered.exactly_once
        return data


def _flush_broker() -> None:
    import redis

    redis.Redis.from_url(BROKER, socket_connect_timeout=3).flushdb()


@contextmanager
def celery(env: dict[str, str], *, workers: int, concurrency: int) -> Iterator[None]:
    """``workers`` Celery workers and exactly one beat, until the block ends (logs in bench/var/celery-*.log)."""
    binary = str(ROOT / ".venv" / "bin" / "celery")
    commands = [
        [binary, "-A", "config", "worker", f"--concurrency={concurrency}", "--loglevel=WARNING", "-n", f"bench{n}@%h"]
        for n in range(1, workers + 1)
    ]
    commands.append(
        [binary, "-A", "config", "beat", "--loglevel=WARNING", "-s", str(VAR_DIR / f"celerybeat-scaleout-{RUN}")]
    )
    processes = []
    try:
        for number, command in enumerate(commands):
            name = "beat" if number == workers else f"worker{number + 1}"
            log = open(VAR_DIR / f"celery-{name}.log", "ab")  # noqa: SIM115  (closed with the process)
            processes.append(
                (subprocess.Popen(command, cwd=ROOT, env={**os.environ, **env}, stdout=log, stderr=log), log)
            )
        time.sleep(5)  # let the workers connect before the first tasks
        for process, _log in processes:
            if process.poll() is not None:
                raise SystemExit(f"a Celery process exited with {process.returncode}; see bench/var/celery-*.log")
        yield
    finally:
        for process, _log in processes:
            process.terminate()
        for process, log in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            log.close()


def _cases_for_reminders(count: int, offset: int) -> list[tuple[uuid.UUID, str]]:
    """Open, unrestricted cases whose assigned caseworker still reaches them: one recipient each."""
    from casework.access import active_caseworkers
    from casework.choices import CaseStatus
    from casework.models import Case

    rows = (
        Case.objects.exclude(status=CaseStatus.CLOSED)
        .filter(is_restricted=False, assigned_to__in=active_caseworkers())
        .order_by("id")
        .values_list("id", "reference")
    )
    return list(rows[offset : offset + count])


def schedule_due(count: int, spread_seconds: float, offset: int) -> int:
    """``count`` follow-ups falling due over the next ``spread_seconds``, marked as this run's."""
    from casework import reminders as case_reminders
    from casework.models import Case
    from notifications.models import Reminder

    cases = _cases_for_reminders(count, offset)
    day = timezone.localdate() - timedelta(days=1)
    Case.objects.filter(pk__in=[pk for pk, _ref in cases]).update(next_follow_up=day)
    now = timezone.now()
    rows = [
        Reminder(
            kind=case_reminders.FOLLOW_UP_DUE,
            due_at=now + timedelta(seconds=spread_seconds * n / max(1, len(cases))),
            dedupe_key=f"scaleout-{RUN}:{pk}:{day.isoformat()}",
            object_type="case",
            object_id=pk,
            object_ref=reference,
            params={"date": day.isoformat()},
            created_at=now,
        )
        for n, (pk, reference) in enumerate(cases)
    ]
    Reminder.objects.bulk_create(rows)
    return len(rows)


def _kick(times: int) -> None:
    """Extra dispatch tasks at once, so that both workers claim from the same due rows."""
    from notifications.tasks import dispatch_reminders

    for _ in range(times):
        dispatch_reminders.delay()


def _ours() -> Any:
    from notifications.models import Reminder

    return Reminder.objects.filter(dedupe_key__startswith=f"scaleout-{RUN}:")


def wait_delivered(timeout: float) -> float:
    from notifications.models import Reminder

    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if not _ours().filter(state=Reminder.State.PENDING).exists():
            break
        time.sleep(2)
    return time.monotonic() - started


def count_delivered(waited: float) -> Delivered:
    from notifications.models import Delivery, Notification, Reminder

    ours = _ours()
    deliveries = Delivery.objects.filter(reminder__in=ours)
    per = deliveries.values("reminder_id").annotate(n=Count("id")).aggregate(low=Min("n"), high=Max("n"))
    return Delivered(
        due=ours.count(),
        sent=ours.filter(state=Reminder.State.SENT).count(),
        pending=ours.filter(state=Reminder.State.PENDING).count(),
        deliveries=deliveries.count(),
        distinct_pairs=deliveries.values("reminder_id", "recipient_id").distinct().count(),
        notifications=Notification.objects.filter(delivery__reminder__in=ours).count(),
        min_per_reminder=per["low"] or 0,
        max_per_reminder=per["high"] or 0,
        waited_seconds=round(waited, 1),
    )


def run(
    args: Any,
    env: dict[str, str],
    fixtures: dict[str, Fixture],
) -> ScaleOut:
    from bench import jobs

    scenario.prepare(fixtures["bench"])
    _flush_broker()
    # The app's own rows falling due during the mode (the seeded cases' follow-ups fall due together at each day's
    # start, thousands of them) are moved out of the way, as the reminders job does, so that the workers deliver
    # this run's reminders rather than a backlog; moved back at the end.
    jobs.unpark()  # rows an interrupted run left parked
    parked = jobs.park(timezone.now() + timedelta(hours=2))
    print(f"Scale-out: {parked[0]:,} due rows and {parked[1]:,} due emails of the app's parked for the mode")
    try:
        return _phases(args, env)
    finally:
        jobs.unpark()


def _phases(args: Any, env: dict[str, str]) -> ScaleOut:
    from django.db import connections

    env = {**env, "CELERY_BROKER_URL": BROKER}  # this process has it too (python -m bench sets it before Django)
    found = ScaleOut(args.workers, args.threads, args.celery_workers, args.celery_concurrency)
    offset = 0
    with celery(env, workers=args.celery_workers, concurrency=args.celery_concurrency):
        for users in args.scale_users:
            for instances in (1, 2):
                due = schedule_due(args.scale_reminders, args.load_seconds / 2, offset)
                offset += due
                connections.close_all()
                print(
                    f"Scale-out: {users} users, {instances} web instance(s) of {args.workers} × {args.threads}, "
                    f"{args.load_seconds} s; {due} reminders falling due (load average {os.getloadavg()[0]:.1f})"
                )
                with ExitStack() as stack:
                    ports = [
                        stack.enter_context(server.gunicorn(env, workers=args.workers, threads=args.threads))
                        for _ in range(instances)
                    ]
                    _kick(10)
                    result = scenario.run(
                        env,
                        ports[0],
                        users=users,
                        spawn_rate=max(args.spawn_rate, users / 10),
                        seconds=args.load_seconds,
                        think=(args.think[0], args.think[1]),
                        ports=ports,
                        csv_prefix=RESULTS_DIR / f"scaleout_{users}u_{instances}i",
                    )
                phase = Phase(users, instances, args.load_seconds, due, result.as_dict())
                found.phases.append(phase)
                print(f"  {phase.rps:.1f} requests/s, {phase.errors} errors")
        waited = wait_delivered(timeout=180)
    found.delivered = count_delivered(waited)
    return found


def table(found: ScaleOut) -> str:
    lines = [
        f"Scale-out: {found.celery_workers} Celery workers (concurrency {found.celery_concurrency}) and one beat; "
        f"web instances of {found.workers_per_instance} gunicorn workers × {found.threads} threads",
        f"{'users':>6}{'instances':>10}{'seconds':>8}{'requests':>10}{'rps':>8}{'p50 ms':>8}{'p95 ms':>8}"
        f"{'errors':>8}{'2 vs 1':>8}",
    ]
    by_users: dict[int, dict[int, Phase]] = {}
    for phase in found.phases:
        by_users.setdefault(phase.users, {})[phase.instances] = phase
    for users, phases in by_users.items():
        for instances, phase in sorted(phases.items()):
            total = phase.result.get("total") or {}
            ratio = ""
            if instances == 2 and 1 in phases and phases[1].rps:
                ratio = f"{phase.rps / phases[1].rps:.2f}"
            lines.append(
                f"{users:>6}{instances:>10}{phase.seconds:>8}{total.get('requests', 0):>10}{phase.rps:>8.1f}"
                f"{total.get('p50_ms', 0):>8.0f}{total.get('p95_ms', 0):>8.0f}{phase.errors:>8}{ratio:>8}"
            )
    errors = sum(phase.errors for phase in found.phases)
    lines.append(f"Errors: {errors} (target: none) {'met' if not errors else 'NOT MET'}")
    for phase in found.phases:
        for failure in phase.result.get("failures", []):
            lines.append(
                f"  {phase.users}u/{phase.instances}i: {failure['occurrences']} × {failure['method']} "
                f"{failure['name']}: {failure['error']}"
            )
    d = found.delivered
    lines.append(
        f"Reminders: {d.due} due, {d.sent} sent, {d.pending} still pending after {d.waited_seconds:.0f} s; "
        f"{d.deliveries} deliveries ({d.distinct_pairs} distinct reminder-recipient pairs, {d.notifications} "
        f"notifications; {d.min_per_reminder}-{d.max_per_reminder} per reminder): exactly once "
        f"{'met' if d.exactly_once else 'NOT MET'}"
    )
    return "\n".join(lines)
