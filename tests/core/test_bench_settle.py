"""The bench vacuums what earlier runs changed before it measures (bench.seed.settle), as autovacuum would have on a
production server: which tables, and that it really does on PostgreSQL."""

from __future__ import annotations

import time

import pytest
from django.db import connection

from bench import seed


def test_a_table_is_stale_once_more_rows_changed_than_a_thousand_and_five_percent():
    stats = [
        ("quiet", 100_000, 10, 5_000),  # 5,000 changed of 100,000: under 1,000 + 5 %
        ("churned", 100_000, 48_000, 0),  # the reminders job's dead rows
        ("analysed_late", 100_000, 0, 6_001),  # new rows the planner has not counted
        ("small", 200, 900, 900),  # under a thousand rows changed: not worth a vacuum
        ("small_churned", 200, 1_011, 0),
    ]
    assert seed.stale_tables(stats) == ["analysed_late", "churned", "small_churned"]
    assert seed.stale_tables([]) == []


def _stats(table: str) -> tuple[int, object]:
    with connection.cursor() as cursor:
        if connection.pg_version >= 150000:
            cursor.execute("SELECT pg_stat_force_next_flush()")
        cursor.execute("SELECT n_dead_tup, last_vacuum FROM pg_stat_user_tables WHERE relname = %s", [table])
        found = cursor.fetchone()
    return found or (0, None)


def _waited(table: str, ready) -> tuple[int, object]:
    for _ in range(50):  # the statistics reach the shared counters when the backend is next idle
        found = _stats(table)
        if ready(found):
            return found
        time.sleep(0.1)
    return found


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_settle_vacuums_a_table_full_of_dead_rows_and_leaves_the_rest():
    table = "bench_settle_probe"
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE {table} (n integer)")
    try:
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {table} SELECT generate_series(1, 3000)")
            cursor.execute(f"DELETE FROM {table}")
        dead, vacuumed = _waited(table, lambda found: found[0] >= 3000)
        assert dead >= 3000 and vacuumed is None
        said: list[str] = []
        done = seed.settle(log=said.append)
        assert table in done and said and table in said[0]
        dead, vacuumed = _waited(table, lambda found: found[1] is not None)
        assert vacuumed is not None and dead == 0
        assert table not in seed.settle(log=said.append), "nothing left to do the second time"
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {table}")
