"""Insider flags (issue 16, finding 10), with a frozen clock: many identity searches or reveals within an hour,
searches that find nothing, reading cases soon after joining an organisation; each explained on the flags page."""

import uuid
from datetime import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from accounts import services as account_services
from accounts.choices import Role
from audit import access_log
from audit.models import AccessLog, AuditFlag
from notifications import reminders
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def at(hour, minute=0, day=2):
    return timezone.make_aware(datetime(2026, 12, day, hour, minute))  # 2 December 2026 is a Wednesday


def log(event, actor, when, **fields):
    with time_machine.travel(when, tick=False):
        return access_log.record(event, actor=actor, **fields)


def scan_at(when):
    with time_machine.travel(when, tick=False):
        return reminders.dispatch(send_email=False)


def kinds():
    return sorted(AuditFlag.objects.values_list("kind", flat=True))


def test_many_identity_searches_within_an_hour(alice, settings):
    settings.JEJARING_AUDIT_SEARCHES_PER_HOUR = 4
    for minute in (0, 10, 20):
        log(AccessLog.Event.SEARCHED, alice, at(10, minute), detail="results=1")
    scan_at(at(10, 30))
    assert kinds() == []
    log(AccessLog.Event.SEARCHED, alice, at(10, 40), detail="results=2")
    scan_at(at(10, 45))
    assert kinds() == [AuditFlag.Kind.MANY_SEARCHES]
    assert AuditFlag.objects.get().count == 4


def test_searches_spread_over_hours_are_not_many(alice, settings):
    settings.JEJARING_AUDIT_SEARCHES_PER_HOUR = 3
    for hour in (9, 11, 13, 15):
        log(AccessLog.Event.SEARCHED, alice, at(hour), detail="results=1")
    scan_at(at(16))
    assert kinds() == []


def test_many_revealed_fields_within_an_hour(alice, settings):
    settings.JEJARING_AUDIT_REVEALS_PER_HOUR = 3
    for minute in (1, 2, 3):
        log(AccessLog.Event.FIELD_REVEALED, alice, at(11, minute), object_type="case", object_id=uuid.uuid4())
    scan_at(at(11, 5))
    assert kinds() == [AuditFlag.Kind.MANY_REVEALS]


def test_searches_that_find_nothing(alice, settings):
    settings.JEJARING_AUDIT_EMPTY_SEARCHES_PER_HOUR = 3
    settings.JEJARING_AUDIT_SEARCHES_PER_HOUR = 100
    log(AccessLog.Event.SEARCHED, alice, at(14, 0), detail="results=0")
    log(AccessLog.Event.SEARCHED, alice, at(14, 1), detail="results=5")
    log(AccessLog.Event.SEARCHED, alice, at(14, 2), detail="results=0")
    scan_at(at(14, 3))
    assert kinds() == []  # two empty, one that found: not yet
    log(AccessLog.Event.SEARCHED, alice, at(14, 4), detail="results=0")
    scan_at(at(14, 5))
    assert kinds() == [AuditFlag.Kind.EMPTY_SEARCHES]
    assert AuditFlag.objects.get().count == 3


def test_reading_cases_within_a_day_of_joining_an_organisation(org_a, settings):
    settings.JEJARING_AUDIT_NEW_MEMBER_HOURS = 24
    with time_machine.travel(at(9), tick=False):
        newcomer = UserFactory(username="pendatang", organisation=org_a, role=Role.CASEWORKER)
    log(AccessLog.Event.CASE_VIEWED, newcomer, at(10), object_type="case", object_id=uuid.uuid4())
    log(AccessLog.Event.CASE_VIEWED, newcomer, at(8, day=3), object_type="case", object_id=uuid.uuid4())
    log(AccessLog.Event.CASE_VIEWED, newcomer, at(10, day=3), object_type="case", object_id=uuid.uuid4())
    scan_at(at(11, day=3))
    flag = AuditFlag.objects.get(kind=AuditFlag.Kind.NEW_MEMBER)
    assert flag.actor == newcomer and flag.count == 2  # the third view was a day and an hour after joining


def test_moving_to_another_organisation_counts_as_joining_it(org_a, org_b, settings):
    with time_machine.travel(at(9, day=1), tick=False):
        mover = UserFactory(username="pindahan", organisation=org_a, role=Role.CASEWORKER)
    log(AccessLog.Event.CASE_VIEWED, mover, at(11, day=2), object_type="case", object_id=uuid.uuid4())
    scan_at(at(11, 30, day=2))
    assert kinds() == []
    with time_machine.travel(at(12, day=2), tick=False):
        account_services.membership_set(actor=None, user=mover, organisation=org_b, role=Role.CASEWORKER)
    log(AccessLog.Event.CASE_VIEWED, mover, at(13, day=2), object_type="case", object_id=uuid.uuid4())
    scan_at(at(13, 30, day=2))
    assert kinds() == [AuditFlag.Kind.NEW_MEMBER]


def test_each_flag_is_explained_on_the_flags_page(client_for, dave, alice, settings):
    settings.JEJARING_AUDIT_EMPTY_SEARCHES_PER_HOUR = 1
    log(AccessLog.Event.SEARCHED, alice, at(10), detail="results=0")
    scan_at(at(10, 5))
    page = client_for(dave).get(reverse("audit:flags")).content.decode()
    assert 'data-testid="flag-explanation"' in page
    assert AuditFlag.objects.get().explanation[:20] in page
    for kind in AuditFlag.Kind:
        assert AuditFlag(kind=kind).explanation, kind


def test_the_scan_reads_entries_once_settled_and_never_passes_one_by(alice):
    """An entry is read once it is a minute old, in the order of ids, up to the first one still too young: an entry
    with a later id but an earlier time (another chain's writer, committed first) waits with it, so that the scan's
    place never moves past an entry it has not read. One stamped a little ahead of the scan's clock waits too; one
    stamped far ahead (a wrong clock) does not hold the scan up."""
    from audit.flags import SETTLE
    from audit.models import AuditScanState

    def place():
        return AuditScanState.objects.get(pk=1).last_entry_id

    first = log(AccessLog.Event.SEARCHED, alice, at(10, 0), detail="results=1")
    young = log(AccessLog.Event.SEARCHED, alice, at(10, 5), detail="results=1")
    earlier_time = log(AccessLog.Event.SEARCHED, alice, at(10, 1), detail="results=1")
    assert first.pk < young.pk < earlier_time.pk
    scan_at(at(10, 5) + SETTLE / 2)
    assert place() == first.pk, "the young entry and the one after it wait"
    scan_at(at(10, 5) + SETTLE)
    assert place() == earlier_time.pk
    slightly_ahead = log(AccessLog.Event.SEARCHED, alice, at(10, 9), detail="results=1")  # a clock ahead by 2 min
    scan_at(at(10, 7))
    assert place() == earlier_time.pk, "an entry stamped a little ahead of the scan's clock is young"
    scan_at(at(10, 9) + SETTLE)
    assert place() == slightly_ahead.pk
    far_ahead = log(AccessLog.Event.SEARCHED, alice, at(12, 0), detail="results=1")  # a clock that is wrong
    scan_at(at(10, 11))
    assert place() == far_ahead.pk, "an entry stamped far ahead of the scan's clock does not hold it up"


def test_entries_written_while_the_scan_waited_for_its_turn_are_young(alice, monkeypatch):
    """The dispatch's time is taken before the scan waits for its turn: the entries written meanwhile are measured
    against the clock at the read, so that an entry still uncommitted below them is not passed by."""
    from audit import flags
    from audit.models import AuditScanState

    old = log(AccessLog.Event.SEARCHED, alice, at(10, 0), detail="results=1")
    written_meanwhile = log(AccessLog.Event.SEARCHED, alice, at(10, 3), detail="results=1")
    with time_machine.travel(at(10, 3), tick=False):
        flags.scan(at(9, 53))  # the dispatch began ten minutes before the read (a long wait for its turn)
    assert AuditScanState.objects.get(pk=1).last_entry_id == old.pk
    assert written_meanwhile.pk > old.pk
