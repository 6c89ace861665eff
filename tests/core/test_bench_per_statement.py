"""``python -m bench.profile --per-statement``: each statement's cost by its place in the request, and the COMMITs'."""

import pytest
from django.db import connection, connections, transaction

from bench.profile import _PerStatement


def one_request(each):
    each.next_request()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.execute("SELECT 2")


@pytest.mark.django_db(transaction=True)
def test_each_statement_is_timed_by_its_place_and_each_commit(capsys):
    with _PerStatement(connection) as each:
        one_request(each)
        one_request(each)
    labels = [each.totals[place][3] for place in sorted(each.totals)]
    # SQLite's BEGIN IMMEDIATE is a statement of its own; psycopg's BEGIN is not seen
    assert [label for label in labels if not label.startswith("BEGIN")] == ["SELECT 1", "SELECT 2", "COMMIT"]
    places = sorted(each.totals)
    assert all(each.totals[place][2] > 0 for place in each.totals)  # wall time
    with connection.cursor() as cursor:  # the wrappers are gone
        cursor.execute("SELECT 3")
    assert sorted(each.totals) == places and "_commit" not in vars(connections["default"])
    each.report(2)
    printed = capsys.readouterr().out
    if connection.vendor == "postgresql":
        assert "SELECT 2" in printed and "COMMIT" in printed
    else:
        assert printed == ""
