"""The access log is append-only in the database, and its hash chain finds an entry changed behind its back."""

import threading

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from audit import access_log
from audit.models import AccessLog, AccessLogVerification


def write(n, actor=None):
    for i in range(n):
        access_log.record(AccessLog.Event.SEARCHED, actor=actor, detail=f"results={i}")


def behind_the_apps_back(sql, params=()):
    """Run SQL with the append-only trigger lifted, as someone with database access could."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE audit_accesslog DISABLE TRIGGER audit_accesslog_append_only")
            cursor.execute(sql, params)
            cursor.execute("ALTER TABLE audit_accesslog ENABLE TRIGGER audit_accesslog_append_only")
        else:
            import importlib

            migration = importlib.import_module("audit.migrations.0002_append_only")
            for statement in migration.SQLITE_DOWN:
                cursor.execute(statement)
            cursor.execute(sql, params)
            for statement in migration.SQLITE_UP:
                cursor.execute(statement)


@pytest.mark.django_db
def test_the_database_refuses_to_edit_or_delete_an_entry(alice):
    write(2, alice)
    entry = AccessLog.objects.first()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AccessLog.objects.filter(pk=entry.pk).update(detail="results=999")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AccessLog.objects.filter(pk=entry.pk).delete()
    assert AccessLog.objects.count() == 2


@pytest.mark.django_db
def test_an_intact_chain_is_verified(alice, capsys):
    write(25, alice)
    call_command("verify_access_log")
    assert "25 entries" in capsys.readouterr().out
    assert AccessLogVerification.objects.get().ok


@pytest.mark.django_db
def test_a_row_altered_behind_the_applications_back_is_found(alice):
    write(10, alice)
    target = AccessLog.objects.order_by("id")[4]
    behind_the_apps_back("UPDATE audit_accesslog SET detail = %s WHERE id = %s", ["results=0", target.pk])
    with pytest.raises(CommandError, match=f"broken at entry {target.pk}"):
        call_command("verify_access_log")


@pytest.mark.django_db
def test_a_deleted_row_breaks_the_link_of_the_next(alice):
    write(10, alice)
    rows = list(AccessLog.objects.order_by("id"))
    behind_the_apps_back("DELETE FROM audit_accesslog WHERE id = %s", [rows[3].pk])
    result = access_log.verify_chain()
    assert result.first_broken_id == rows[4].pk


@pytest.mark.django_db
def test_removing_the_newest_entries_is_found_at_the_last_verified_one(alice):
    write(10, alice)
    assert access_log.verify_chain().ok
    last = AccessLog.objects.order_by("-id").first()
    behind_the_apps_back("DELETE FROM audit_accesslog WHERE id = %s", [last.pk])
    result = access_log.verify_chain()
    assert not result.ok and result.first_broken_id == last.pk


@pytest.mark.django_db(transaction=True)
def test_two_writers_at_once_leave_one_valid_chain(alice, bob):
    errors = []
    start = threading.Barrier(2)

    def run(actor):
        try:
            start.wait()
            write(60, actor)
        except Exception as error:  # surfaced below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(user,)) for user in (alice, bob)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert errors == []
    assert AccessLog.objects.filter(event=AccessLog.Event.SEARCHED).count() == 120
    prev_hashes = list(AccessLog.objects.values_list("prev_hash", flat=True))
    assert len(prev_hashes) == len(set(prev_hashes)), "no two entries hang on the same predecessor (no fork)"
    assert access_log.verify_chain().ok
