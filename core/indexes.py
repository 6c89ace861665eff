"""Indexes dropped by a migration without touching anything else: Django alters a field whose ``db_index`` changed
by dropping and re-adding its foreign key on PostgreSQL (which re-validates every row under a lock that blocks
writes) and by rebuilding the whole table on SQLite (which drops its triggers, the access log's guards among them).
``dropped`` changes the models' state as Django would and runs only ``DROP INDEX`` in the database."""

from __future__ import annotations

from typing import Any

from django.db import migrations


def dropped(state_operations: list[Any], indexes: list[tuple[str, str, str]]) -> migrations.SeparateDatabaseAndState:
    """``indexes``: (name, table, column) of each index the state operations remove; a ``_like`` index is
    PostgreSQL's ``varchar_pattern_ops`` companion of a text column's, which SQLite has not. Backwards, each is
    created again."""

    def forwards(apps: Any, schema_editor: Any) -> None:
        for name, _table, _column in indexes:
            schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(name)}")

    def backwards(apps: Any, schema_editor: Any) -> None:
        quote = schema_editor.quote_name
        for name, table, column in indexes:
            like = name.endswith("_like")
            if like and schema_editor.connection.vendor != "postgresql":
                continue
            ops = " varchar_pattern_ops" if like else ""
            schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {quote(name)} ON {quote(table)} ({quote(column)}{ops})")

    return migrations.SeparateDatabaseAndState(
        state_operations=state_operations, database_operations=[migrations.RunPython(forwards, backwards)]
    )
