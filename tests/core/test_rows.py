"""core.rows: new instances and their historical rows written together, as the ORM's save and simple-history's
post_save would write them, in one statement on PostgreSQL."""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.core.exceptions import FieldDoesNotExist
from django.db import IntegrityError, connection, transaction
from django.db.models.signals import post_save, pre_save
from django.test.utils import CaptureQueriesContext
from simple_history import signals as history_signals
from simple_history.models import HistoricalRecords
from simple_history.utils import update_change_reason

from casework.choices import ConsentGivenBy, ConsentKind
from casework.models import BlindIndex, Case, CaseGroupObjectPermission, CaseKey, CaseUserObjectPermission, Consent
from core import rows
from core.history import with_actor
from notifications.models import Reminder
from referrals.models import Referral, ReferralEvent

# What the intake writes through core.rows (casework.services.cases._case_open_write).
WRITTEN = [
    Case,
    CaseKey,
    BlindIndex,
    CaseGroupObjectPermission,
    CaseUserObjectPermission,
    Consent,
    Reminder,
    Referral,
    ReferralEvent,
]


def _columns(instance, *, skip=()):
    return {
        field.attname: getattr(instance, field.attname)
        for field in type(instance)._meta.concrete_fields
        if field.attname not in skip
    }


def _consent(case, actor, kind=ConsentKind.SERVICES):
    consent = Consent(
        case=case, kind=kind, given_on=datetime.date(2026, 1, 5), given_by=ConsentGivenBy.PERSON, recorded_by=actor
    )
    return with_actor(consent, actor)


def test_rows_and_history_are_the_ones_the_orm_and_simple_history_write(case_a, alice):
    by_orm, by_rows = _consent(case_a, alice), _consent(case_a, alice, ConsentKind.STATISTICS)
    by_orm._change_reason = by_rows._change_reason = "given at intake"
    by_orm.save(force_insert=True)
    rows.insert([by_rows])
    stored_orm, stored_rows = Consent.objects.get(pk=by_orm.pk), Consent.objects.get(pk=by_rows.pk)
    assert _columns(stored_rows, skip={"id", "kind"}) == _columns(stored_orm, skip={"id", "kind"})
    assert not by_rows._state.adding and by_rows._state.db == "default"
    history_orm, history_rows = by_orm.history.get(), by_rows.history.get()
    skip = {"history_id", "history_date", "id", "kind"}
    assert _columns(history_rows, skip=skip) == _columns(history_orm, skip=skip)
    assert history_rows.history_type == "+" and history_rows.history_user_id == alice.pk
    assert history_rows.history_change_reason == "given at intake"
    assert abs(history_rows.history_date - history_orm.history_date) < datetime.timedelta(minutes=1)


def test_a_case_written_by_rows_reads_back_as_saved_by_the_orm(alice, org_a):
    def fresh():
        case = Case(owner=org_a, created_by=alice, assigned_to=alice, risk_level="high", gender="female")
        case.reference = f"{org_a.code}-T-{uuid.uuid4().hex[:6]}"
        return with_actor(case, alice)

    by_orm, by_rows = fresh(), fresh()
    by_orm.save(force_insert=True)
    rows.insert([by_rows, BlindIndex(case=by_rows, owner_id=org_a.pk, kind="nik", digest="ab" * 32)])
    skip = {"id", "reference", "created_at", "updated_at", "last_activity_at"}
    assert _columns(Case.objects.get(pk=by_rows.pk), skip=skip) == _columns(Case.objects.get(pk=by_orm.pk), skip=skip)
    assert by_rows.updated_at is not None  # auto_now, as the ORM's insert sets it
    assert BlindIndex.objects.get(case=by_rows).owner_id == org_a.pk
    history_skip = skip | {"history_id", "history_date"}
    by_rows_history, by_orm_history = Case.history.get(id=by_rows.pk), Case.history.get(id=by_orm.pk)
    assert _columns(by_rows_history, skip=history_skip) == _columns(by_orm_history, skip=history_skip)
    assert by_rows_history.reference == by_rows.reference and by_rows_history.history_user_id == alice.pk


def test_one_statement_on_postgresql_one_per_table_elsewhere(case_a, alice):
    written = [_consent(case_a, alice), BlindIndex(case=case_a, owner_id=case_a.owner_id, kind="name", digest="cd")]
    with CaptureQueriesContext(connection) as captured:
        rows.insert(written)
    inserts = [q["sql"] for q in captured.captured_queries if "INSERT" in q["sql"]]
    # consent, its history, the blind index
    assert len(inserts) == (1 if connection.vendor == "postgresql" else 3)
    assert Consent.objects.filter(pk=written[0].pk).exists() and written[0].history.count() == 1


def test_the_actor_must_be_named(case_a, alice):
    unnamed = Consent(
        case=case_a, kind="services", given_on=datetime.date(2026, 1, 5), given_by="person", recorded_by=alice
    )
    with pytest.raises(ValueError, match="with_actor"):
        rows.insert([unnamed])
    assert not Consent.objects.filter(pk=unnamed.pk).exists()


def test_a_saved_instance_is_refused(case_a, alice):
    consent = _consent(case_a, alice)
    consent.save(force_insert=True)
    with pytest.raises(ValueError, match="already saved"):
        rows.insert([consent])


def test_a_row_refused_by_the_database_writes_none_of_the_others(case_a, alice):
    first = _consent(case_a, alice)
    rows.insert([first])
    again = _consent(case_a, alice)  # a second live consent of one kind: refused by the constraint
    other = BlindIndex(case=case_a, owner_id=case_a.owner_id, kind="name", digest="ef")
    with pytest.raises(IntegrityError), transaction.atomic():
        rows.insert([other, again])
    assert not BlindIndex.objects.filter(digest="ef").exists()
    assert Consent.history.filter(id=again.pk).count() == 0


def test_the_history_signals_are_sent(case_a, alice):
    seen = []

    def pre(sender, instance, history_instance, **kwargs):
        seen.append(("pre", instance.pk, history_instance.history_type))

    def post(sender, instance, history_instance, **kwargs):
        seen.append(("post", instance.pk, history_instance.pk is not None))

    history_signals.pre_create_historical_record.connect(pre)
    history_signals.post_create_historical_record.connect(post)
    try:
        consent = _consent(case_a, alice)
        rows.insert([consent])
    finally:
        history_signals.pre_create_historical_record.disconnect(pre)
        history_signals.post_create_historical_record.disconnect(post)
    assert seen[0] == ("pre", consent.pk, "+") and seen[1][:2] == ("post", consent.pk)


def test_a_change_reason_set_later_is_simple_historys_own(case_a, alice):
    consent = _consent(case_a, alice)
    rows.insert([consent])
    update_change_reason(consent, "corrected")  # simple-history's helper finds the row written here
    assert consent.history.get().history_change_reason == "corrected"


@pytest.mark.parametrize("model", WRITTEN, ids=lambda m: m.__name__)
def test_no_save_receiver_but_simple_historys_is_passed_by(model):
    """core.rows sends no pre_save or post_save: a receiver added for a model it writes would be passed by."""
    assert not pre_save.has_listeners(model)
    for receiver in post_save._live_receivers(model)[0]:
        assert getattr(receiver, "__self__", None).__class__ is HistoricalRecords, receiver


def test_a_changed_instance_gets_its_history_of_the_change(case_a, alice):
    consent = _consent(case_a, alice, ConsentKind.STATISTICS)
    consent.save(force_insert=True)
    Consent.objects.filter(pk=consent.pk).update(withdrawn_on=datetime.date(2026, 2, 1))
    consent.withdrawn_on = datetime.date(2026, 2, 1)
    index = BlindIndex(case=case_a, owner_id=case_a.owner_id, kind="name", digest="0a")
    rows.insert([index], changed=[consent])
    latest = consent.history.order_by("-history_id").first()
    assert latest.history_type == "~" and latest.withdrawn_on == datetime.date(2026, 2, 1)
    assert latest.history_user_id == alice.pk and consent.history.count() == 2
    with pytest.raises(ValueError, match="not saved"):
        rows.insert([], changed=[_consent(case_a, alice, ConsentKind.LEARNING)])


def test_an_updated_instance_is_written_with_the_new_rows_and_gets_its_history(case_a, alice):
    consent = _consent(case_a, alice, ConsentKind.STATISTICS)
    consent.save(force_insert=True)
    other = _consent(case_a, alice, ConsentKind.LEARNING)
    other.save(force_insert=True)
    consent.withdrawn_on = datetime.date(2026, 2, 1)
    index = BlindIndex(case=case_a, owner_id=case_a.owner_id, kind="name", digest="0b")
    with CaptureQueriesContext(connection) as captured:
        rows.insert([index], updated=[(consent, ["withdrawn_on"])])
    if connection.vendor == "postgresql":
        assert len(captured) == 1, "the UPDATE goes in the statement of the new rows"
    stored = Consent.objects.get(pk=consent.pk)
    assert stored.withdrawn_on == datetime.date(2026, 2, 1)
    assert Consent.objects.get(pk=other.pk).withdrawn_on is None, "only that row"
    assert BlindIndex.objects.filter(case=case_a, digest="0b").exists()
    latest = consent.history.order_by("-history_id").first()
    assert latest.history_type == "~" and latest.withdrawn_on == datetime.date(2026, 2, 1)
    assert latest.history_user_id == alice.pk
    consent.given_on = datetime.date(2026, 1, 9)  # changed, not named: not written
    rows.insert([], updated=[(consent, ["withdrawn_on"])])
    assert Consent.objects.get(pk=consent.pk).given_on == datetime.date(2026, 1, 5)
    for names in (["id"], ["history"], []):
        with pytest.raises((ValueError, FieldDoesNotExist)):
            rows.insert([], updated=[(consent, names)])


def test_values_the_orm_converts_are_converted_as_it_does(case_a, alice):
    """The values handed on as they are (texts, numbers, UUIDs, dates, aware times) are only those of exactly the
    type the field gives back; any other goes the ORM's way: a time for a date column, a number for a text column,
    a naive time (with Django's warning)."""
    from django.utils import timezone

    given = datetime.datetime(2026, 3, 4, 20, 0, tzinfo=datetime.UTC)  # a time for a date column
    by_orm, by_rows = _consent(case_a, alice), _consent(case_a, alice, ConsentKind.STATISTICS)
    by_orm.given_on = by_rows.given_on = given
    by_orm.save(force_insert=True)
    rows.insert([by_rows])
    assert Consent.objects.get(pk=by_rows.pk).given_on == Consent.objects.get(pk=by_orm.pk).given_on
    reminder = Reminder(kind="case_follow_up", due_at=timezone.now(), object_type="case", object_id=case_a.pk)
    reminder.object_ref, reminder.dedupe_key = 12345, "rows-conversion"  # a number for a text column
    rows.insert([reminder])
    assert Reminder.objects.get(dedupe_key="rows-conversion").object_ref == "12345"
    event = ReferralEvent(referral=None, kind="update", actor=alice, organisation=case_a.owner)
    event.at = datetime.datetime(2026, 3, 4, 10, 30)  # naive
    with pytest.warns(RuntimeWarning, match="naive datetime"):
        _head, params = rows._statement(ReferralEvent, [event], lambda: "%s")
    names = [field.name for field, *_rest in rows._shape(ReferralEvent, connection.vendor)[1]]
    at = params[names.index("at")]
    assert timezone.is_aware(at) if connection.vendor == "postgresql" else isinstance(at, str), at
