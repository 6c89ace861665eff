"""The database's own guards on the access log and its anchors: no UPDATE, no DELETE, no TRUNCATE, and no INSERT
over an existing entry (SQLite's ``INSERT OR REPLACE`` deletes the old row without firing a DELETE trigger).

On PostgreSQL an upsert (``ON CONFLICT DO UPDATE``) fires the UPDATE trigger and is refused; a plain INSERT over an
existing id or (chain, seq) fails on the keys; TRUNCATE, which row triggers do not see, has a statement trigger.
The guards stop accidents and a single injected statement; someone who can drop them is found by the keyed chain
and the signed anchors (audit.verification.verify_chain).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

TABLES = ("audit_accesslog", "audit_accessloganchor")

# Added to 0002's function and row trigger on audit_accesslog (UPDATE, DELETE).
POSTGRES_UP = [
    """CREATE TRIGGER audit_accesslog_no_truncate BEFORE TRUNCATE ON audit_accesslog
       FOR EACH STATEMENT EXECUTE FUNCTION jejaring_access_log_append_only();""",
    """CREATE TRIGGER audit_accessloganchor_append_only BEFORE UPDATE OR DELETE ON audit_accessloganchor
       FOR EACH ROW EXECUTE FUNCTION jejaring_access_log_append_only();""",
    """CREATE TRIGGER audit_accessloganchor_no_truncate BEFORE TRUNCATE ON audit_accessloganchor
       FOR EACH STATEMENT EXECUTE FUNCTION jejaring_access_log_append_only();""",
]
POSTGRES_DOWN = [
    "DROP TRIGGER IF EXISTS audit_accesslog_no_truncate ON audit_accesslog;",
    "DROP TRIGGER IF EXISTS audit_accessloganchor_append_only ON audit_accessloganchor;",
    "DROP TRIGGER IF EXISTS audit_accessloganchor_no_truncate ON audit_accessloganchor;",
]
POSTGRES_TRUNCATE_TRIGGERS = {
    "audit_accesslog_no_truncate": POSTGRES_UP[0],
    "audit_accessloganchor_no_truncate": POSTGRES_UP[2],
}

SQLITE_UP = [
    """CREATE TRIGGER audit_accesslog_no_update BEFORE UPDATE ON audit_accesslog
       BEGIN SELECT RAISE(ABORT, 'the access log is append-only: UPDATE refused'); END;""",
    """CREATE TRIGGER audit_accesslog_no_delete BEFORE DELETE ON audit_accesslog
       BEGIN SELECT RAISE(ABORT, 'the access log is append-only: DELETE refused'); END;""",
    """CREATE TRIGGER audit_accesslog_no_replace BEFORE INSERT ON audit_accesslog
       WHEN EXISTS (SELECT 1 FROM audit_accesslog WHERE id = NEW.id)
         OR EXISTS (SELECT 1 FROM audit_accesslog WHERE chain = NEW.chain AND seq = NEW.seq)
       BEGIN SELECT RAISE(ABORT, 'the access log is append-only: INSERT over an existing entry refused'); END;""",
    """CREATE TRIGGER audit_accessloganchor_no_update BEFORE UPDATE ON audit_accessloganchor
       BEGIN SELECT RAISE(ABORT, 'the access log is append-only: UPDATE refused'); END;""",
    """CREATE TRIGGER audit_accessloganchor_no_delete BEFORE DELETE ON audit_accessloganchor
       BEGIN SELECT RAISE(ABORT, 'the access log is append-only: DELETE refused'); END;""",
    """CREATE TRIGGER audit_accessloganchor_no_replace BEFORE INSERT ON audit_accessloganchor
       WHEN EXISTS (SELECT 1 FROM audit_accessloganchor WHERE id = NEW.id)
       BEGIN SELECT RAISE(ABORT, 'the access log is append-only: INSERT over an existing entry refused'); END;""",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS audit_accesslog_no_update;",
    "DROP TRIGGER IF EXISTS audit_accesslog_no_delete;",
    "DROP TRIGGER IF EXISTS audit_accesslog_no_replace;",
    "DROP TRIGGER IF EXISTS audit_accessloganchor_no_update;",
    "DROP TRIGGER IF EXISTS audit_accessloganchor_no_delete;",
    "DROP TRIGGER IF EXISTS audit_accessloganchor_no_replace;",
]
# 0002's guards, which this module's SQLite list replaces (same names) and PostgreSQL's extends.
POSTGRES_ROW_TRIGGER = "audit_accesslog_append_only"


def install(schema_editor: Any) -> None:
    for sql in POSTGRES_UP if schema_editor.connection.vendor == "postgresql" else SQLITE_DOWN + SQLITE_UP:
        schema_editor.execute(sql)


def uninstall(schema_editor: Any) -> None:
    for sql in POSTGRES_DOWN if schema_editor.connection.vendor == "postgresql" else SQLITE_DOWN:
        schema_editor.execute(sql)


@contextmanager
def lifted(connection: Any) -> Iterator[None]:
    """Every guard off for the block, as someone with the database's owner rights could (tests of tampering, and
    the one-time re-chaining migration)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for table in TABLES:
                cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
            try:
                yield
            finally:
                for table in TABLES:
                    cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
        else:
            for sql in SQLITE_DOWN:
                cursor.execute(sql)
            try:
                yield
            finally:
                for sql in SQLITE_UP:
                    cursor.execute(sql)
