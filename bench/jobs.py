"""Jobs: work done outside a request, measured in-process against the bench database.

``reminders`` (issue 4): one pass of the reminder dispatcher (``notifications.reminders.dispatch``) over 10,000
follow-ups that fell due, with email through Django's in-memory backend. The outbox rows are written as
``casework.reminders.schedule_follow_up`` writes them, for seeded open cases whose ``next_follow_up`` is set to
yesterday. The pass runs twice: once with no not-due rows of the bench's own, once with 50,000 pending rows due in
the coming weeks, to show that rows not due cost no statements. After each pass everything it wrote is removed
(notifications, deliveries, the escalations it scheduled, the rows its inactivity scan created) and the bench's rows
are set back to pending, so the job can run again. Pending rows of the app that fall due before the pass (event
notices of earlier bench runs, say) are moved a thousand years ahead for the duration and moved back afterwards.

Every pass also runs the rules' scans. The access-log flag scan (audit/flags.py) reads the entries written
since its last run, and the page runs write thousands: it is caught up first, unmeasured by the passes but timed and
counted on its own, so that both passes do the same work.
"""

from __future__ import annotations

import gc
import re
import time
import uuid
from collections import Counter, deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone

from audit import flags as audit_flags
from audit.models import AccessLog, AuditScanState
from casework import reminders as case_reminders
from casework.choices import CaseStatus
from casework.models import Case
from notifications import reminders
from notifications.models import Delivery, Notification, Reminder

DUE = 10_000
NOT_DUE = 50_000
TARGET_SECONDS = 60.0  # issue 4: one pass over 10,000 due reminders within a minute
PARKED = "1000 years"
PARKED_FROM = "2900-01-01"


@dataclass
class Pass:
    """One dispatcher pass."""

    not_due_bench: int  # pending rows of the bench's own, due later
    not_due_other: int  # pending rows of the app's, due later (intakes' follow-ups, say)
    seconds: float
    result: dict[str, Any]  # DispatchResult.as_dict()
    sql: int
    sql_per_reminder: float
    reminders_per_second: float
    deliveries: int
    emails: int
    sent_by_kind: dict[str, int] = field(default_factory=dict)
    statements: list[tuple[int, str]] = field(default_factory=list)  # the most frequent statements, normalised


@dataclass
class JobResult:
    name: str
    describe: str
    items: int  # what the measured pass handled (reminders delivered)
    seconds: float
    per_second: float
    sql: int
    sql_per_item: float
    target: str
    met: bool
    passes: list[Pass]
    notes: list[str] = field(default_factory=list)
    detail: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


# --- The reminders job -------------------------------------------------------------------------------------------


def _sql(statement: str, params: list[Any] | None = None) -> int:
    with connection.cursor() as cursor:
        cursor.execute(statement, params or [])
        return cursor.rowcount


def _cases(seeded_before: datetime | None) -> tuple[list[tuple[uuid.UUID, str]], list[tuple[uuid.UUID, str, bool]]]:
    """The seeded cases the job writes reminders for, by id: ``DUE`` open ones, then ``NOT_DUE`` others (open ones
    first; closed ones only if the network has too few open cases)."""
    cases = Case.objects.all()
    if seeded_before is not None:
        cases = cases.filter(created_at__lte=seeded_before)
    rows = list(cases.order_by("id").values_list("id", "reference", "status"))
    open_rows = [(pk, ref) for pk, ref, status in rows if status != CaseStatus.CLOSED]
    due = open_rows[:DUE]
    others = [(pk, ref, True) for pk, ref in open_rows[DUE:]]
    others += [(pk, ref, False) for pk, ref, status in rows if status == CaseStatus.CLOSED]
    return due, others[:NOT_DUE]


def _follow_up(pk: uuid.UUID, reference: str, day: date, created: datetime) -> Reminder:
    """The row ``casework.reminders.schedule_follow_up`` writes for a case whose next follow-up is ``day``."""
    return Reminder(
        kind=case_reminders.FOLLOW_UP_DUE,
        due_at=case_reminders.due_time(day),
        dedupe_key=f"{pk}:{day.isoformat()}",
        object_type="case",
        object_id=pk,
        object_ref=reference,
        params={"date": day.isoformat()},
        created_at=created,
    )


def _clear(case_ids: list[uuid.UUID]) -> int:
    """Remove the follow-up rows of earlier runs on these cases, with their deliveries and notifications."""
    ids = [str(pk) for pk in case_ids]
    kinds = case_reminders.FOLLOW_UP_KINDS
    _sql(
        "WITH gone AS (DELETE FROM notifications_delivery WHERE reminder_id IN (SELECT id FROM notifications_reminder "
        "WHERE kind = ANY(%s) AND object_id = ANY(%s::uuid[])) RETURNING notification_id) "
        "DELETE FROM notifications_notification WHERE id IN (SELECT notification_id FROM gone)",
        [kinds, ids],
    )
    return _sql("DELETE FROM notifications_reminder WHERE kind = ANY(%s) AND object_id = ANY(%s::uuid[])", [kinds, ids])


def park(now: datetime) -> tuple[int, int]:
    """Move the app's due rows (and emails due) out of the pass's way; ``unpark`` moves them back."""
    reminders_parked = _sql(
        f"UPDATE notifications_reminder SET due_at = due_at + interval '{PARKED}' "
        "WHERE state = 'pending' AND due_at <= %s",
        [now],
    )
    emails_parked = _sql(
        f"UPDATE notifications_delivery SET email_next_attempt_at = email_next_attempt_at + interval '{PARKED}' "
        "WHERE email_state = 'pending' AND email_next_attempt_at <= %s",
        [now],
    )
    return reminders_parked, emails_parked


def unpark() -> None:
    _sql(f"UPDATE notifications_reminder SET due_at = due_at - interval '{PARKED}' WHERE due_at >= %s", [PARKED_FROM])
    _sql(
        f"UPDATE notifications_delivery SET email_next_attempt_at = email_next_attempt_at - interval '{PARKED}' "
        "WHERE email_next_attempt_at >= %s",
        [PARKED_FROM],
    )


def _reset(now: datetime, ours: list[int]) -> None:
    """Undo a pass: its deliveries and notifications, the rows it created (escalations, the inactivity scan's), and
    the state of the bench's rows."""
    _sql(
        "WITH gone AS (DELETE FROM notifications_delivery WHERE created_at >= %s RETURNING notification_id) "
        "DELETE FROM notifications_notification WHERE id IN (SELECT notification_id FROM gone)",
        [now],
    )
    _sql("DELETE FROM notifications_reminder WHERE created_at >= %s", [now])
    _sql(
        "UPDATE notifications_reminder SET state = 'pending', sent_at = NULL, attempts = 0 WHERE id = ANY(%s)",
        [ours],
    )


NUMBERS = re.compile(r"'[^']*'|\b\d+(\.\d+)?\b|(?<=\")s\d+_x\d+(?=\")")


@contextmanager
def _all_queries() -> Iterator[list[dict[str, Any]]]:
    """The statements CaptureQueriesContext captures, without its limit of 9,000 (a pass makes tens of thousands);
    the list is filled when the block ends."""
    found: list[dict[str, Any]] = []
    limit, log = connection.queries_limit, connection.queries_log
    connection.queries_limit = 10_000_000
    connection.queries_log = deque(maxlen=connection.queries_limit)
    try:
        with CaptureQueriesContext(connection) as captured:
            yield found
        found.extend(captured.captured_queries)
    finally:
        connection.queries_limit, connection.queries_log = limit, log


def _catch_up_flags(now: datetime) -> dict[str, Any]:
    """Run the access-log flag scan until it has read every entry; what it took."""
    state = AuditScanState.objects.filter(pk=1).values_list("last_entry_id", flat=True).first() or 0
    backlog = AccessLog.objects.filter(id__gt=state).count()
    last = AccessLog.objects.order_by("-id").values_list("id", flat=True).first() or 0
    found = 0
    with _all_queries() as captured:
        started = time.perf_counter()
        while backlog:
            found += audit_flags.scan(now)
            if (AuditScanState.objects.filter(pk=1).values_list("last_entry_id", flat=True).first() or 0) >= last:
                break
        seconds = time.perf_counter() - started
    return {"entries": backlog, "seconds": round(seconds, 2), "statements": len(captured), "new_flags": found}


def _statements(queries: list[dict[str, Any]], top: int = 8) -> list[tuple[int, str]]:
    """The most frequent statements, literals replaced by ?, cut to 110 characters."""
    shapes = Counter(NUMBERS.sub("?", query["sql"])[:110] for query in queries)
    return [(n, shape) for shape, n in shapes.most_common(top)]


def _one_pass(ours: list[int], not_due_bench: int) -> Pass:
    not_due_other = Reminder.objects.filter(state=Reminder.State.PENDING).exclude(pk__in=ours).count() - not_due_bench
    mail.outbox = []
    gc.collect()
    now = timezone.now()
    try:
        with (
            override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"),
            _all_queries() as captured,
        ):
            started = time.perf_counter()
            result = reminders.dispatch(now=now)
            seconds = time.perf_counter() - started
        emails = len(mail.outbox)
        mail.outbox = []
        deliveries = Delivery.objects.filter(created_at__gte=now).count()
        by_kind = Counter(Reminder.objects.filter(sent_at=now).values_list("kind", flat=True))
    finally:
        _reset(now, ours)
    sent = result.reminders_sent
    found = Pass(
        not_due_bench=not_due_bench,
        not_due_other=not_due_other,
        seconds=round(seconds, 2),
        result=result.as_dict(),
        sql=len(captured),
        sql_per_reminder=round(len(captured) / sent, 2) if sent else 0.0,
        reminders_per_second=round(sent / seconds, 1) if seconds else 0.0,
        deliveries=deliveries,
        emails=emails,
        sent_by_kind=dict(by_kind.most_common()),
        statements=_statements(captured),
    )
    return found


def reminders_job(seeded_before: datetime | None, log: Callable[[str], None] = print) -> JobResult:
    due_cases, other_cases = _cases(seeded_before)
    today = timezone.localdate()
    day = today - timedelta(days=1)  # the follow-ups fell due yesterday morning
    created = timezone.now() - timedelta(days=30)
    before = (Notification.objects.count(), Delivery.objects.count())
    unpark()  # rows a run that was interrupted left parked
    _clear([pk for pk, _ref in due_cases] + [pk for pk, _ref, _open in other_cases])
    flags = _catch_up_flags(timezone.now())
    parked = park(timezone.now())
    try:
        Case.objects.filter(pk__in=[pk for pk, _ref in due_cases]).update(next_follow_up=day)
        ours = [r.pk for r in Reminder.objects.bulk_create(_follow_up(pk, ref, day, created) for pk, ref in due_cases)]
        log(f"  {len(ours):,} follow-ups due since {case_reminders.due_time(day):%Y-%m-%d %H:%M}; pass 1")
        first = _one_pass(ours, 0)
        # The not-due rows: follow-ups over the next 40 days (the cases' next_follow_up moved to match).
        rows, by_day = [], {}
        for n, (pk, ref, is_open) in enumerate(other_cases):
            later = today + timedelta(days=1 + n % 40)
            rows.append(_follow_up(pk, ref, later, created))
            if is_open:
                by_day.setdefault(later, []).append(pk)
        Reminder.objects.bulk_create(rows, batch_size=5000)
        for later, pks in by_day.items():
            Case.objects.filter(pk__in=pks).update(next_follow_up=later)
        log(f"  {len(rows):,} more pending follow-ups, not due; pass 2")
        second = _one_pass(ours, len(rows))
    finally:
        unpark()
    after = (Notification.objects.count(), Delivery.objects.count())
    follow_ups = len(due_cases)
    met = second.seconds <= TARGET_SECONDS and second.result["reminders_sent"] >= follow_ups
    notes = [
        f"{follow_ups:,} follow-ups due; each pass also ran the inactivity scan, which created "
        f"{second.result['created_by_scans']:,} reminders that the same pass delivered",
        f"not-due rows cost no statements: {first.sql:,} statements with {first.not_due_bench:,} bench rows not due, "
        f"{second.sql:,} with {second.not_due_bench:,}"
        + (" (the same)" if first.sql == second.sql else f" (DIFFERENT by {second.sql - first.sql:+,})"),
        f"parked during the job: {parked[0]:,} due rows and {parked[1]:,} due emails of the app's; moved back",
        f"access-log flag scan caught up first: {flags['entries']:,} new entries in {flags['seconds']:.1f} s, "
        f"{flags['statements']:,} statements, {flags['new_flags']:,} new flags",
        f"after the reset: {after[0] - before[0]:+,} notifications, {after[1] - before[1]:+,} deliveries",
    ]
    if len(other_cases) and not all(is_open for _pk, _ref, is_open in other_cases):
        closed = sum(1 for _pk, _ref, is_open in other_cases if not is_open)
        notes.append(f"{closed:,} of the not-due rows are on closed cases (too few open cases); never claimed")
    return JobResult(
        name="reminders",
        describe=f"one dispatch() pass over {follow_ups:,} due follow-ups, email to locmem",
        items=second.result["reminders_sent"],
        seconds=second.seconds,
        per_second=second.reminders_per_second,
        sql=second.sql,
        sql_per_item=second.sql_per_reminder,
        target=f"{follow_ups:,} due reminders within {TARGET_SECONDS:.0f} s",
        met=met,
        passes=[first, second],
        notes=notes,
        detail={"flag_scan": flags, "due_day": day.isoformat(), "parked": list(parked)},
    )


def attachments_job(seeded_before: datetime | None, log: Callable[[str], None] = print) -> JobResult:
    """Issue 13: upload and download of a 20 MB file (bench/attachments.py)."""
    from bench.attachments import attachments_job as job

    result: JobResult = job(seeded_before, log)
    return result


def _network_refresh(seeded_before: datetime | None, log: Callable[[str], None] = print) -> JobResult:
    from bench import network

    return network.refresh_job(seeded_before, log)  # type: ignore[return-value]


JOBS: dict[str, Callable[..., JobResult]] = {
    "reminders": reminders_job,
    "network_refresh": _network_refresh,
    "attachments": attachments_job,
}
