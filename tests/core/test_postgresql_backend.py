"""core/postgresql: timestamps read with psycopg's own loader are the values Django's loader gives, aware and in UTC,
through the ORM and through statements written out (core/sql.py) alike."""

import datetime

import pytest
from django.db import connection, connections
from psycopg.pq import Format

from audit.models import AccessLog
from core import sql

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

TIMES = [
    "2026-01-01 00:00:00+07",  # another offset: given in UTC
    "2026-06-30 23:59:59.999999+00",
    "1999-12-31 17:00:00.5-05:30",
    "2024-02-29 12:00:00+00",
]


def _django_loader_reads(statement, params):
    """The same statement read with Django's own loader (registered on the connection by Django)."""
    with connection.cursor() as wrapper:
        raw = wrapper.cursor
        raw.adapters.register_loader(
            "timestamptz", connection.connection.adapters.get_loader(raw.adapters.types["timestamptz"].oid, Format.TEXT)
        )
        raw.execute(statement, params)
        return raw.fetchall()


def test_a_cursor_reads_timestamps_with_psycopgs_loader_and_gets_what_django_gets():
    connection.ensure_connection()
    assert connection.vendor == "postgresql" and type(connections["default"]).__module__ == "core.postgresql.base"
    with connection.cursor() as wrapper:
        loader = wrapper.cursor.adapters.get_loader(wrapper.cursor.adapters.types["timestamptz"].oid, Format.TEXT)
    assert loader.__module__.startswith("psycopg_binary")  # the C loader, not Django's
    statement = "SELECT " + ", ".join(["%s::timestamptz"] * len(TIMES)) + ", NULL::timestamptz, now()"
    ours = sql.rows(statement, TIMES)[0]
    theirs = _django_loader_reads(statement, TIMES)[0]
    assert ours[:-1] == theirs[:-1]
    for value in [*ours[: len(TIMES)], ours[-1]]:
        assert value.tzinfo is datetime.UTC
    assert ours[0] == datetime.datetime(2025, 12, 31, 17, 0, tzinfo=datetime.UTC)
    assert ours[2] == datetime.datetime(1999, 12, 31, 22, 30, 0, 500000, tzinfo=datetime.UTC)
    assert ours[len(TIMES)] is None


def test_the_orm_gives_aware_utc_times_that_round_trip(alice):
    from audit import access_log

    entry = AccessLog.objects.get(pk=access_log.record(AccessLog.Event.ACCESS_DENIED, actor=alice).pk)
    assert entry.at.tzinfo is datetime.UTC
    again = AccessLog.objects.get(pk=entry.pk, at=entry.at)  # the value read back finds its own row
    assert again.at == entry.at


STATEMENT = "SELECT current_setting('plan_cache_mode'), COUNT(*) FROM audit_accesslog WHERE actor_id = %s"


def _setting():
    return sql.rows("SELECT current_setting('plan_cache_mode')", [])[0][0]


@pytest.mark.django_db(transaction=True)  # autocommit, as a request's statements run
def test_a_statement_run_generic_is_planned_once_and_the_setting_is_its_alone(alice):
    from django.db import transaction
    from django.db.utils import DataError

    expected = sql.rows("SELECT COUNT(*) FROM audit_accesslog WHERE actor_id = %s", [alice.pk])[0][0]
    for _ in range(8):  # past psycopg's prepare threshold
        assert sql.rows(STATEMENT, [alice.pk], generic=True) == [("force_generic_plan", expected)]
        assert _setting() == "auto"
    plans = sql.rows(
        "SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE statement LIKE %s",
        ["SELECT current_setting('plan_cache_mode'), COUNT(*)%"],
    )
    assert plans and plans[0][0] > 0 and plans[0][1] == 0
    with transaction.atomic():
        assert sql.rows(STATEMENT, [alice.pk], generic=True)[0][0] == "force_generic_plan"
        assert _setting() == "auto"  # put back within the transaction, for what follows in it
    with pytest.raises(DataError), transaction.atomic():
        sql.rows("SELECT 1 / %s::int", [0], generic=True)
    assert _setting() == "auto"
    with pytest.raises(DataError):
        sql.rows("SELECT 1 / %s::int", [0], generic=True)  # autocommit: the pipeline's transaction rolled back
    assert _setting() == "auto"


def test_a_querysets_values_run_generic_are_the_orms(alice):
    from casework.models import BlindIndex
    from tests.cases import open_case

    for number in range(3):
        open_case(alice, nik=f"340401410199000{number}", phones=["+62 812-0000-000" + str(number)])
    found = BlindIndex.objects.values_list("case_id", "case__reference", "case__owner_id", "kind").distinct()
    ours = sql.generic_values(found.order_by("case__reference", "kind"))
    assert ours == list(found.order_by("case__reference", "kind")) and len(ours) >= 6
    assert sql.generic_values(found.filter(kind="none")) == []


def test_a_raw_cursor_sends_postgresqls_own_placeholders_and_is_wrapped_as_djangos():
    """core.postgresql's raw_cursor: $1-style statements (core.rows), logged and wrapped as Django's own cursors are,
    the log showing the statement without its values."""
    from django.test.utils import CaptureQueriesContext

    seen = []

    def wrapper(execute, sql, params, many, context):
        seen.append(connection.ops.last_executed_query(context["cursor"], sql, params))
        return execute(sql, params, many, context)

    with (
        CaptureQueriesContext(connection) as captured,
        connection.execute_wrapper(wrapper),
        connection.raw_cursor() as cursor,
    ):
        cursor.execute("SELECT $1::int + $2::int, $3::text", [40, 2, "Nilai-Rekaan-Rahasia"])
        assert cursor.fetchone() == (42, "Nilai-Rekaan-Rahasia")
    assert seen == ["SELECT $1::int + $2::int, $3::text"]
    assert captured.captured_queries[-1]["sql"] == "SELECT $1::int + $2::int, $3::text"
    assert "Rahasia" not in str(captured.captured_queries)
