"""The database itself refuses UPDATE and DELETE on the access log (a trigger on PostgreSQL and on SQLite)."""

from django.db import migrations

POSTGRES_UP = """
CREATE OR REPLACE FUNCTION jejaring_access_log_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the access log is append-only: %% refused', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_accesslog_append_only
    BEFORE UPDATE OR DELETE ON audit_accesslog
    FOR EACH ROW EXECUTE FUNCTION jejaring_access_log_append_only();
"""
POSTGRES_DOWN = """
DROP TRIGGER IF EXISTS audit_accesslog_append_only ON audit_accesslog;
DROP FUNCTION IF EXISTS jejaring_access_log_append_only();
"""
SQLITE_UP = [
    """CREATE TRIGGER audit_accesslog_no_update BEFORE UPDATE ON audit_accesslog
       BEGIN SELECT RAISE(ABORT, 'the access log is append-only: UPDATE refused'); END;""",
    """CREATE TRIGGER audit_accesslog_no_delete BEFORE DELETE ON audit_accesslog
       BEGIN SELECT RAISE(ABORT, 'the access log is append-only: DELETE refused'); END;""",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS audit_accesslog_no_update;",
    "DROP TRIGGER IF EXISTS audit_accesslog_no_delete;",
]


def up(apps, schema_editor):
    statements = [POSTGRES_UP] if schema_editor.connection.vendor == "postgresql" else SQLITE_UP
    for sql in statements:
        schema_editor.execute(sql)


def down(apps, schema_editor):
    statements = [POSTGRES_DOWN] if schema_editor.connection.vendor == "postgresql" else SQLITE_DOWN
    for sql in statements:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(up, down)]
