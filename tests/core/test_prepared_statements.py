"""On PostgreSQL, parameters are bound by the server and a statement run often on one connection is prepared there
(config/settings.py, DATABASE_PREPARE_THRESHOLD); 0 turns preparation off, as a pooler in transaction mode needs."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

MARK = "SELECT %s::int AS jejaring_prepared_probe"


def _prepared() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT statement FROM pg_prepared_statements WHERE statement LIKE '%%jejaring_prepared_probe%%'"
        )
        return [row[0] for row in cursor.fetchall() if "pg_prepared_statements" not in row[0]]


def test_a_statement_run_often_is_prepared_on_its_connection_with_its_parameters_bound_by_the_server():
    assert _prepared() == []
    for value in range(6):
        with connection.cursor() as cursor:
            cursor.execute(MARK, [value])
            assert cursor.fetchone() == (value,)
    assert _prepared() == ["SELECT $1::int AS jejaring_prepared_probe"]  # one plan for every value


def test_threshold_zero_turns_preparation_off():
    """In a process of its own: the settings are read once per process."""
    script = (
        "import django; django.setup()\n"
        "from django.db import connection\n"
        "with connection.cursor() as c:\n"
        f"    for v in range(8): c.execute({MARK!r}, [v])\n"
        "    c.execute('SELECT count(*) FROM pg_prepared_statements')\n"
        "    print(c.fetchone()[0], connection.connection.prepare_threshold)\n"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "DATABASE_PREPARE_THRESHOLD": "0"}
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["0", "None"]
