"""Signals worth a look in the access log, raised as flags for admins.

A scan runs with each dispatcher tick and reads the entries written since its last run:
- one user opening more distinct cases within an hour than JEJARING_AUDIT_CASES_PER_HOUR;
- access outside working hours (JEJARING_WORKING_HOURS, JEJARING_WORKING_DAYS, network time zone);
- every export;
- repeated access denials (JEJARING_AUDIT_DENIALS_PER_HOUR within an hour);
- a sign-in from an address not seen before for that user (their first sign-in ever is not flagged);
- many identity searches (JEJARING_AUDIT_SEARCHES_PER_HOUR) or revealed identity fields
  (JEJARING_AUDIT_REVEALS_PER_HOUR) within an hour;
- many searches that found nothing (JEJARING_AUDIT_EMPTY_SEARCHES_PER_HOUR within an hour: probing for numbers);
- reading cases within JEJARING_AUDIT_NEW_MEMBER_HOURS of joining the organisation (0 turns it off).
- identity lookups (duplicate checks, identity searches, reveals) refused at their hourly limit (casework.limits);
- duplicate checks and searches that matched nothing, JEJARING_AUDIT_EMPTY_PROBES_PER_HOUR or more within an hour
  (someone trying numbers to learn who is known to the network).
Each flag names a user and a time window: its link opens the log entries behind it. Admins are notified.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.choices import Role
from accounts.models import Membership, User
from audit.models import AccessLog, AuditFlag, AuditScanState
from audit.selectors import forget_open_flag_count
from notifications import inbox, reminders
from notifications.models import Reminder

KIND = "accounts.audit_flag"
BATCH = 5000
# Entries are read in the order of their ids once they are this old. An id is taken when an entry is inserted, but
# the entry is seen only when its transaction commits, and writers of different chains commit in any order: read at
# once, an entry committed a moment after a later one would be passed by and never read. A page's transaction lasts
# milliseconds; one still open after a minute would be left unread. An entry stamped a little ahead of the scan's
# clock (a web host's clock ahead of the worker's) is young too; one stamped more than SKEW ahead is read at once,
# as before: its age cannot be told, and the scan must not wait on a clock that is wrong.
SETTLE = timedelta(seconds=60)
SKEW = timedelta(minutes=5)
WINDOW = timedelta(hours=1)
ACTIVE_EVENTS = {
    AccessLog.Event.SIGNED_IN,
    AccessLog.Event.CASE_VIEWED,
    AccessLog.Event.FIELD_REVEALED,
    AccessLog.Event.SEARCHED,
    AccessLog.Event.EXPORTED,
}


WINDOWED = {
    AuditFlag.Kind.MANY_CASES,
    AuditFlag.Kind.DENIALS,
    AuditFlag.Kind.MANY_SEARCHES,
    AuditFlag.Kind.MANY_REVEALS,
    AuditFlag.Kind.EMPTY_SEARCHES,
    AuditFlag.Kind.EMPTY_PROBES,
}


def joined_at(user_id: int) -> datetime | None:
    """When the user joined their current organisation: the membership's creation, or the last move into it (the
    membership's history)."""
    membership = Membership.objects.filter(user_id=user_id).first()
    if membership is None:
        return None
    joined = membership.created_at
    for organisation_id, date in membership.history.order_by("-history_date", "-history_id").values_list(
        "organisation_id", "history_date"
    ):
        if organisation_id != membership.organisation_id:
            break
        joined = date
    return max(joined, membership.created_at)


# What each of these flags means, for the admins' flags page.
EXPLANATIONS = {
    AuditFlag.Kind.LOOKUP_LIMIT: _(
        "The user asked for more duplicate checks, identity searches or identity fields than the hourly limit allows; "
        "the lookups past the limit were refused. Ask them what their work needed."
    ),
    AuditFlag.Kind.EMPTY_PROBES: _(
        "The user made many duplicate checks or searches that matched nothing within an hour: someone trying identity "
        "numbers or phones to learn who is known to the network, and where, looks like this."
    ),
}
EMPTY_OUTCOMES: dict[str, str] = {AccessLog.Event.DUPLICATE_CHECKED: "matches=0", AccessLog.Event.SEARCHED: "results=0"}


def _working(at: datetime) -> bool:
    local = timezone.localtime(at)
    start, end = settings.JEJARING_WORKING_HOURS
    return local.weekday() in settings.JEJARING_WORKING_DAYS and start <= local.hour < end


def _flag(kind: str, actor_id: int, start: datetime, end: datetime, dedupe: str, count: int = 1) -> AuditFlag | None:
    """Create a flag once per dedupe key (widening it if it exists). Returns the flag when it is new."""
    flag, created = AuditFlag.objects.get_or_create(
        dedupe_key=dedupe,
        defaults={"kind": kind, "actor_id": actor_id, "window_start": start, "window_end": end, "count": count},
    )
    if not created:
        flag.window_start, flag.window_end = min(flag.window_start, start), max(flag.window_end, end)
        flag.count = max(flag.count, count) if kind in WINDOWED else flag.count + count
        flag.save(update_fields=["window_start", "window_end", "count"])
        return None
    forget_open_flag_count()
    return flag


def _sliding(
    entries: list[tuple[int, datetime, Any]], threshold: int, distinct: bool
) -> list[tuple[int, datetime, datetime, int]]:
    """Windows of one hour, ending at each entry, in which the count (of distinct objects, or of entries) passes the
    threshold: (id of the entry ending it, start, end, count)."""
    found = []
    entries.sort(key=lambda item: (item[1], item[0]))
    left = 0
    for right, (entry_id, at, _obj) in enumerate(entries):
        while entries[left][1] < at - WINDOW:
            left += 1
        window = entries[left : right + 1]
        count = len({obj for _id, _at, obj in window}) if distinct else len(window)
        if count > threshold if distinct else count >= threshold:
            found.append((entry_id, window[0][1], at, count))
    return found


def scan(now: datetime) -> int:
    """Read new access-log entries, raise flags, and schedule one notification to the admins per new flag."""
    with transaction.atomic():
        state, _created = AuditScanState.objects.select_for_update().get_or_create(pk=1)
        entries = list(AccessLog.objects.filter(id__gt=state.last_entry_id).order_by("id")[:BATCH])
        # The clock read now, not the dispatch's ``now``: entries written while this scan waited for its turn are
        # young, not ahead of it.
        read_at = timezone.now()
        settled, ahead = read_at - SETTLE, read_at + SKEW
        young = next((i for i, entry in enumerate(entries) if settled < entry.at <= ahead), None)
        entries = entries[:young]  # up to the first entry too young to be read: it and those after it wait
        if not entries:
            return 0
        new_flags = [flag for flag in _detect(entries) if flag is not None]
        state.last_entry_id = entries[-1].pk
        state.save(update_fields=["last_entry_id"])
        rows = [
            Reminder(
                kind=KIND,
                due_at=now,
                dedupe_key=f"flag:{flag.pk}",
                object_type="audit_flag",
                object_ref=flag.kind,
                params={"flag": flag.kind, "user": flag.actor.username},
                created_at=now,
            )
            for flag in new_flags
        ]
        return len(Reminder.objects.bulk_create(rows, ignore_conflicts=True))


def _detect(entries: list[AccessLog]) -> list[AuditFlag | None]:
    flags: list[AuditFlag | None] = []
    views: dict[int, list[AccessLog]] = defaultdict(list)
    denials: dict[int, list[AccessLog]] = defaultdict(list)
    searches: dict[int, list[AccessLog]] = defaultdict(list)
    empty_searches: dict[int, list[AccessLog]] = defaultdict(list)
    reveals: dict[int, list[AccessLog]] = defaultdict(list)
    joined: dict[int, datetime | None] = {}
    new_member = timedelta(hours=settings.JEJARING_AUDIT_NEW_MEMBER_HOURS)
    empty: dict[int, list[AccessLog]] = defaultdict(list)
    for entry in entries:
        if entry.actor_id is None:
            continue
        if entry.event == AccessLog.Event.EXPORTED:
            flags.append(_flag(AuditFlag.Kind.EXPORT, entry.actor_id, entry.at, entry.at, f"export:{entry.pk}"))
        if entry.event in ACTIVE_EVENTS and not _working(entry.at):
            day = timezone.localtime(entry.at).date().isoformat()
            flags.append(
                _flag(AuditFlag.Kind.OUTSIDE_HOURS, entry.actor_id, entry.at, entry.at, f"hours:{entry.actor_id}:{day}")
            )
        if entry.event == AccessLog.Event.SIGNED_IN and entry.ip_address:
            earlier = AccessLog.objects.filter(
                actor_id=entry.actor_id, event=AccessLog.Event.SIGNED_IN, id__lt=entry.pk
            )
            if earlier.exists() and not earlier.filter(ip_address=entry.ip_address).exists():
                key = f"address:{entry.actor_id}:{entry.ip_address}"
                flags.append(_flag(AuditFlag.Kind.NEW_ADDRESS, entry.actor_id, entry.at, entry.at, key))
        if entry.event == AccessLog.Event.CASE_VIEWED:
            views[entry.actor_id].append(entry)
            if settings.JEJARING_AUDIT_NEW_MEMBER_HOURS:
                if entry.actor_id not in joined:
                    joined[entry.actor_id] = joined_at(entry.actor_id)
                since = joined[entry.actor_id]
                if since is not None and since <= entry.at < since + new_member:
                    key = f"new_member:{entry.actor_id}:{since:%Y%m%d%H%M}"
                    flags.append(_flag(AuditFlag.Kind.NEW_MEMBER, entry.actor_id, entry.at, entry.at, key))
        if entry.event == AccessLog.Event.SEARCHED:
            searches[entry.actor_id].append(entry)
            if entry.detail.split(" ")[0] == "results=0":
                empty_searches[entry.actor_id].append(entry)
        if entry.event == AccessLog.Event.FIELD_REVEALED:
            reveals[entry.actor_id].append(entry)
        if entry.event == AccessLog.Event.ACCESS_DENIED:
            denials[entry.actor_id].append(entry)
        if entry.event == AccessLog.Event.ACCESS_DENIED and entry.detail.startswith("limit:"):
            hour = timezone.localtime(entry.at).strftime("%Y%m%d%H")
            key = f"lookup_limit:{entry.actor_id}:{hour}"
            flags.append(_flag(AuditFlag.Kind.LOOKUP_LIMIT, entry.actor_id, entry.at, entry.at, key))
        if EMPTY_OUTCOMES.get(entry.event) == entry.detail:
            empty[entry.actor_id].append(entry)
    flags += _windows(
        views, AccessLog.Event.CASE_VIEWED, settings.JEJARING_AUDIT_CASES_PER_HOUR, AuditFlag.Kind.MANY_CASES, True
    )
    flags += _windows(
        denials, AccessLog.Event.ACCESS_DENIED, settings.JEJARING_AUDIT_DENIALS_PER_HOUR, AuditFlag.Kind.DENIALS, False
    )
    flags += _windows(
        searches,
        AccessLog.Event.SEARCHED,
        settings.JEJARING_AUDIT_SEARCHES_PER_HOUR,
        AuditFlag.Kind.MANY_SEARCHES,
        False,
    )
    flags += _windows(
        reveals,
        AccessLog.Event.FIELD_REVEALED,
        settings.JEJARING_AUDIT_REVEALS_PER_HOUR,
        AuditFlag.Kind.MANY_REVEALS,
        False,
    )
    flags += _windows(
        empty_searches,
        AccessLog.Event.SEARCHED,
        settings.JEJARING_AUDIT_EMPTY_SEARCHES_PER_HOUR,
        AuditFlag.Kind.EMPTY_SEARCHES,
        False,
        detail_prefix="results=0",
    )
    flags += _empty_probe_windows(empty)
    return flags


def _empty_probe_windows(by_actor: dict[int, list[AccessLog]]) -> list[AuditFlag | None]:
    """Like _windows, over the lookups that matched nothing (two events, each with its empty outcome)."""
    threshold = settings.JEJARING_AUDIT_EMPTY_PROBES_PER_HOUR
    kind = AuditFlag.Kind.EMPTY_PROBES
    flags: list[AuditFlag | None] = []
    matched_nothing = Q()
    for event, detail in EMPTY_OUTCOMES.items():
        matched_nothing |= Q(event=event, detail=detail)
    for actor_id, new in by_actor.items():
        new_ids = {e.pk for e in new}
        context = AccessLog.objects.filter(
            matched_nothing, actor_id=actor_id, at__gte=min(e.at for e in new) - WINDOW, id__lte=max(new_ids)
        )
        worst: dict[str, tuple[datetime, datetime, int]] = {}
        for entry_id, first, last, count in _sliding(list(context.values_list("id", "at", "id")), threshold, False):
            bucket = timezone.localtime(first).strftime("%Y%m%d%H")
            if entry_id in new_ids and (bucket not in worst or count > worst[bucket][2]):
                worst[bucket] = (first, last, count)
        for bucket, (first, last, count) in worst.items():
            flags.append(_flag(kind, actor_id, first, last, f"{kind}:{actor_id}:{bucket}", count))
    return flags


def _windows(
    by_actor: dict[int, list[AccessLog]],
    event: str,
    threshold: int,
    kind: str,
    distinct: bool,
    detail_prefix: str = "",
) -> list[AuditFlag | None]:
    """Only windows ending at a new entry are judged, and each hour gets one flag, so a scan costs what the new
    entries cost, not what the whole last hour holds."""
    flags: list[AuditFlag | None] = []
    for actor_id, new in by_actor.items():
        new_ids = {e.pk for e in new}
        context = AccessLog.objects.filter(
            actor_id=actor_id, event=event, at__gte=min(e.at for e in new) - WINDOW, id__lte=max(new_ids)
        )
        if detail_prefix:
            context = context.filter(detail__startswith=detail_prefix)
        worst: dict[str, tuple[datetime, datetime, int]] = {}
        for entry_id, first, last, count in _sliding(
            list(context.values_list("id", "at", "object_id")), threshold, distinct
        ):
            if entry_id not in new_ids:
                continue
            bucket = timezone.localtime(first).strftime("%Y%m%d%H")
            if bucket not in worst or count > worst[bucket][2]:
                worst[bucket] = (first, last, count)
        for bucket, (first, last, count) in worst.items():
            flags.append(_flag(kind, actor_id, first, last, f"{kind}:{actor_id}:{bucket}", count))
    return flags


def _admins(batch: list[Reminder]) -> dict[int, list[User]]:
    admins = list(User.objects.filter(is_active=True, membership__role=Role.ADMIN, membership__is_active=True))
    return {reminder.pk: admins for reminder in batch}


def register() -> None:
    reminders.register(reminders.Rule(kind=KIND, recipients=_admins, scan=scan))
    inbox.register_target("audit_flag", lambda _pk: reverse("audit:flags"))
    inbox.register_kind(
        inbox.Kind(
            KIND,
            _("The access log shows something worth a look"),
            lambda p: gettext("Access log: %(flag)s (%(user)s).") % {**p, "flag": AuditFlag.Kind(p["flag"]).label},
        )
    )
