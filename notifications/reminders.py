"""The reminder outbox and its dispatcher.

Reminders are rows. Each app registers rules (who receives a kind of reminder, whether it is still due, what follows
it) with ``register``; accounts imports neither casework nor referrals. A Celery beat tick runs ``dispatch`` every
minute:

1. rules with a ``scan`` create rows for what became due (e.g. cases inactive for 30 days);
2. due rows are claimed (``SELECT ... FOR UPDATE SKIP LOCKED`` on PostgreSQL; SQLite's single writer serialises
   dispatchers, each ``BEGIN IMMEDIATE`` transaction sees what the previous one committed), turned into in-app
   notifications and Delivery rows, and marked sent, in one transaction. The unique constraint on
   (reminder, recipient) makes a second delivery impossible even if two dispatchers raced;
3. emails are sent from the Delivery rows, each claimed the same way; a failure is retried with backoff and never
   repeats the in-app notification.

An email that was handed to the mail server but whose "sent" mark did not commit (the process died in between) is
sent again: email delivery is at least once, in-app delivery exactly once.
"""

from __future__ import annotations

import functools
import logging
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import connection, transaction
from django.db.models import F
from django.template.loader import select_template
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import User
from core import sql
from notifications import inbox
from notifications.models import Delivery, Notification, Reminder

logger = logging.getLogger("jejaring.reminders")

Recipients = Callable[[list[Reminder]], dict[int, list[User]]]


@dataclass(frozen=True)
class Rule:
    kind: str
    recipients: Recipients
    still_due: Callable[[list[Reminder]], set[int]] | None = None  # ids still due; the others are cancelled
    after_delivery: Callable[[list[Reminder]], None] | None = None
    scan: Callable[[datetime], int] | None = None  # create rows for what became due; returns how many


_RULES: dict[str, Rule] = {}


def register(rule: Rule) -> None:
    _RULES[rule.kind] = rule


def rules() -> dict[str, Rule]:
    return dict(_RULES)


# --- Scheduling ------------------------------------------------------------------------------------------------


def schedule(
    *,
    kind: str,
    due_at: datetime,
    dedupe_key: str,
    object_type: str = "",
    object_id: uuid.UUID | None = None,
    object_ref: str = "",
    params: dict[str, Any] | None = None,
    new: bool = False,
) -> None:
    """Create a reminder once per (kind, dedupe_key); a pending one is moved to the new time.

    Two statements, whether it exists or not, and safe against a concurrent scheduler of the same reminder: move a
    pending one, then insert unless the (kind, dedupe_key) constraint finds one (``ON CONFLICT DO NOTHING``).
    ``new``: no reminder can have this dedupe key yet (it names an object created in this transaction, or this very
    moment), so that none is pending to move: the insert alone."""
    assert kind in _RULES, f"no rule registered for {kind}"
    if not new:
        Reminder.objects.filter(kind=kind, dedupe_key=dedupe_key, state=Reminder.State.PENDING).exclude(
            due_at=due_at
        ).update(due_at=due_at)
    Reminder.objects.bulk_create(
        [
            Reminder(
                kind=kind,
                dedupe_key=dedupe_key,
                due_at=due_at,
                object_type=object_type,
                object_id=object_id,
                object_ref=object_ref,
                params=params or {},
            )
        ],
        ignore_conflicts=True,
    )


def schedule_new(items: Iterable[dict[str, Any]]) -> None:
    """Several reminders whose dedupe keys no reminder can have yet (``schedule``'s ``new``), in one statement:
    each a dict of ``schedule``'s arguments. Those due now are dispatched right after the transaction commits."""
    rows = [new_row(**item) for item in items]
    Reminder.objects.bulk_create(rows, ignore_conflicts=True)
    kick_if_due(rows)


def new_row(**item: Any) -> Reminder:
    """A reminder whose dedupe key no reminder can have yet, as its row (not saved): ``schedule``'s arguments, for
    a caller that writes it with the other rows of its transaction (core.rows). One due now is the caller's to
    dispatch (``kick_if_due``); else the beat tick finds it when due."""
    assert item["kind"] in _RULES, f"no rule registered for {item['kind']}"
    return Reminder(**{**item, "params": item.get("params") or {}})


def kick_if_due(rows: Iterable[Any]) -> None:
    """``kick`` if any of these new reminders (among other rows written) is due now."""
    now = timezone.now()
    if any(isinstance(row, Reminder) and row.due_at <= now for row in rows):
        kick()


def notify_now(**kwargs: Any) -> None:
    """An event notification: a reminder due now, dispatched right after the transaction commits."""
    schedule(due_at=timezone.now(), **kwargs)
    kick()


def cancel(*, object_id: uuid.UUID, kinds: Iterable[str]) -> int:
    return Reminder.objects.filter(object_id=object_id, kind__in=list(kinds), state=Reminder.State.PENDING).update(
        state=Reminder.State.CANCELLED
    )


def clear(*, object_id: uuid.UUID, kinds: Iterable[str]) -> None:
    """The reason for these reminders went away: cancel pending ones and mark their notifications read. On
    PostgreSQL one statement (both updates, and who had one unread, whose count is forgotten); elsewhere three."""
    kinds = list(kinds)
    if connection.vendor != "postgresql":
        cancel(object_id=object_id, kinds=kinds)
        inbox.mark_read_about(object_id=object_id, kinds=kinds)
        return
    readers = sql.rows(_clear_statement(), [object_id, kinds, timezone.now(), object_id, kinds])
    inbox.forget_unread({recipient for (recipient,) in readers})


@functools.cache
def _clear_statement() -> str:
    """Names are the models' own; every value a parameter but the states, codes of the model."""
    return (
        f"WITH cancelled AS (UPDATE {sql.table(Reminder)} SET state = {sql.literal(Reminder.State.CANCELLED)}"  # noqa: S608
        f" WHERE object_id = %s AND kind = ANY(%s) AND state = {sql.literal(Reminder.State.PENDING)}),"
        f" marked AS (UPDATE {sql.table(Notification)} SET read_at = %s"
        " WHERE object_id = %s AND kind = ANY(%s) AND read_at IS NULL RETURNING recipient_id)"
        " SELECT DISTINCT recipient_id FROM marked"
    )


# Set (in the shared cache) while a dispatcher is queued and has not started; the dispatcher clears it first thing.
KICK_KEY, KICK_SECONDS = "reminders:kick", 30


def kick() -> None:
    """Ask a worker to dispatch soon, once the current transaction commits. If the broker is unreachable nothing is
    lost: the rows wait in the outbox for the next beat tick.

    One dispatcher queued at a time, not one per event: a dispatcher already queued and not yet started (``KICK_KEY``
    is still set) will claim this transaction's reminders, which are committed before it clears the key and takes
    its time. So busy hours queue a dispatcher per run, not one per referral sent (half a millisecond of the
    request each, and as many runs of the worker). A key whose dispatcher never ran (a lost message, a worker down)
    lapses after ``KICK_SECONDS``; the beat tick delivers meanwhile."""

    def send() -> None:
        from notifications.tasks import dispatch_reminders

        try:
            if not cache.add(KICK_KEY, 1, KICK_SECONDS):
                return
        except Exception as error:  # the cache unreachable: queue one anyway
            logger.warning("could not read the dispatcher's flag (%s); queueing one", type(error).__name__)
        try:
            dispatch_reminders.apply_async(retry=False)
        except Exception as error:  # kombu raises several kinds; none may break the request that queued this
            _forget_kick()
            logger.warning("could not queue the dispatcher (%s); the next beat tick will deliver", type(error).__name__)

    transaction.on_commit(send)


def _forget_kick() -> None:
    try:
        cache.delete(KICK_KEY)
    except Exception as error:  # the flag lapses on its own
        logger.warning("could not clear the dispatcher's flag (%s)", type(error).__name__)


# --- Dispatching -----------------------------------------------------------------------------------------------


@dataclass
class DispatchResult:
    created_by_scans: int = 0
    reminders_sent: int = 0
    reminders_cancelled: int = 0
    notifications: int = 0
    emails_sent: int = 0
    emails_failed: int = 0
    errors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k != "errors"} | {"errors": len(self.errors)}


def _claim(queryset: Any, size: int) -> list[Any]:
    if connection.features.has_select_for_update_skip_locked:
        queryset = queryset.select_for_update(skip_locked=True)
    return list(queryset[:size])


def dispatch(*, now: datetime | None = None, batch_size: int = 500, send_email: bool = True) -> DispatchResult:
    _forget_kick()  # before the time is taken: what a kick left unqueued since is committed and due by then
    now = now or timezone.now()
    result = DispatchResult()
    for rule in _RULES.values():
        if rule.scan is not None:
            with transaction.atomic():
                result.created_by_scans += rule.scan(now)
    unknown: list[int] = []  # rows of a kind nobody registered stay pending (and logged), not claimed again
    while True:
        with transaction.atomic():
            due = _claim(
                Reminder.objects.filter(state=Reminder.State.PENDING, due_at__lte=now)
                .exclude(pk__in=unknown)
                .order_by("due_at", "id"),
                batch_size,
            )
            if not due:
                break
            unknown.extend(_deliver(due, now, result))
        if len(due) < batch_size:
            break
    if send_email:
        send_emails(now=now, result=result)
    return result


def _deliver(due: list[Reminder], now: datetime, result: DispatchResult) -> list[int]:
    by_kind: dict[str, list[Reminder]] = defaultdict(list)
    for reminder in due:
        by_kind[reminder.kind].append(reminder)
    sent: list[Reminder] = []
    cancelled: list[Reminder] = []
    unknown: list[int] = []
    planned: list[tuple[Reminder, User]] = []
    for kind, reminders in by_kind.items():
        rule = _RULES.get(kind)
        if rule is None:
            logger.error("no rule for reminder kind %s; leaving %d pending", kind, len(reminders))
            result.errors.append(kind)
            unknown.extend(r.pk for r in reminders)
            continue
        still = rule.still_due(reminders) if rule.still_due else {r.pk for r in reminders}
        live = [r for r in reminders if r.pk in still]
        cancelled.extend(r for r in reminders if r.pk not in still)
        recipients = rule.recipients(live) if live else {}
        for reminder in live:
            for user in {u.pk: u for u in recipients.get(reminder.pk, [])}.values():
                planned.append((reminder, user))
            sent.append(reminder)
    opted_out = inbox.email_opt_outs({user for _r, user in planned})
    created = Notification.objects.bulk_create(
        Notification(
            recipient=user,
            kind=reminder.kind,
            object_type=reminder.object_type,
            object_id=reminder.object_id,
            object_ref=reminder.object_ref,
            params=reminder.params,
            created_at=now,
        )
        for reminder, user in planned
    )
    inbox.forget_unread(user.pk for _reminder, user in planned)
    Delivery.objects.bulk_create(
        Delivery(
            reminder=reminder,
            recipient=user,
            notification=note,
            email_state=Delivery.EmailState.PENDING
            if _wants_email(user, reminder.kind, opted_out)
            else Delivery.EmailState.SKIPPED,
            email_next_attempt_at=now,
            created_at=now,
        )
        for (reminder, user), note in zip(planned, created, strict=True)
    )
    # Plain updates: every row of each list gets the same values (bulk_update would build a CASE per row).
    Reminder.objects.filter(pk__in=[r.pk for r in sent]).update(
        state=Reminder.State.SENT, sent_at=now, attempts=F("attempts") + 1
    )
    Reminder.objects.filter(pk__in=[r.pk for r in cancelled]).update(state=Reminder.State.CANCELLED)
    for kind in {r.kind for r in sent}:
        rule = _RULES[kind]
        if rule.after_delivery:
            rule.after_delivery([r for r in sent if r.kind == kind])
    result.reminders_sent += len(sent)
    result.reminders_cancelled += len(cancelled)
    result.notifications += len(created)
    return unknown


def _wants_email(user: User, kind: str, opted_out: set[tuple[int, str]]) -> bool:
    if not user.email or not user.is_active:
        return False
    if kind in inbox.security_kinds():
        return True
    return (user.pk, kind) not in opted_out


# --- Email -----------------------------------------------------------------------------------------------------

MAX_EMAIL_ATTEMPTS = 6


def _backoff(attempts: int) -> timedelta:
    return timedelta(minutes=min(2**attempts, 60))  # 2, 4, 8, 16, 32, 60 minutes


def render_email(delivery: Delivery) -> EmailMultiAlternatives:
    """Subject, text and HTML in the recipient's language. Only the reference, what is due and a link."""
    notification = delivery.notification
    kind = inbox.get_kind(notification.kind)
    with translation.override(delivery.recipient.language):
        context = {
            "message": inbox.render(notification),
            "reference": notification.object_ref,
            "link": settings.SITE_URL + inbox.target_url(notification),
            "notifications_link": settings.SITE_URL + reverse("notifications:list"),
            "kind": kind,
        }
        names = [f"emails/{kind.slug}_{{part}}", "emails/notification_{part}"]
        subject = select_template([n.format(part="subject.txt") for n in names]).render(context)
        text = select_template([n.format(part="body.txt") for n in names]).render(context)
        html = select_template([n.format(part="body.html") for n in names]).render(context)
    message = EmailMultiAlternatives(" ".join(subject.split()), text, to=[delivery.recipient.email])
    message.attach_alternative(html, "text/html")
    return message


def send_emails(
    *, now: datetime | None = None, batch_size: int = 200, result: DispatchResult | None = None
) -> DispatchResult:
    now = now or timezone.now()
    result = result or DispatchResult()
    mail = get_connection(fail_silently=False)
    while True:
        with transaction.atomic():
            batch = _claim(
                Delivery.objects.filter(email_state=Delivery.EmailState.PENDING, email_next_attempt_at__lte=now)
                .select_related("recipient", "notification")
                .order_by("email_next_attempt_at", "id"),
                batch_size,
            )
            if not batch:
                break
            delivered, failed = [], []
            for delivery in batch:
                delivery.email_attempts += 1
                try:
                    mail.send_messages([render_email(delivery)])
                except Exception as error:  # any transport failure: retried later, the reason kept without content
                    delivery.email_last_error = type(error).__name__[:200]
                    delivery.email_next_attempt_at = now + _backoff(delivery.email_attempts)
                    if delivery.email_attempts >= MAX_EMAIL_ATTEMPTS:
                        delivery.email_state = Delivery.EmailState.FAILED
                    failed.append(delivery)
                else:
                    delivered.append(delivery.pk)
            Delivery.objects.filter(pk__in=delivered).update(
                email_state=Delivery.EmailState.SENT, email_sent_at=now, email_attempts=F("email_attempts") + 1
            )
            if failed:
                Delivery.objects.bulk_update(
                    failed, ["email_state", "email_attempts", "email_last_error", "email_next_attempt_at"]
                )
            result.emails_sent += len(delivered)
            result.emails_failed += len(failed)
        if len(batch) < batch_size:
            break
    return result
