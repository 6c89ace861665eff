"""Django's PostgreSQL backend, reading timestamps with psycopg's own loader (in C, from psycopg[binary]).

Django registers a loader of its own for ``timestamptz`` (django/db/backends/postgresql/psycopg_any.py): psycopg's
loader written in Python, then the connection's time zone put on the result. It costs about 3.5 microseconds per
value against 0.4 for psycopg's C loader: the referrals inbox reads 200 timestamps, a quarter of its time in
PostgreSQL. Django keeps the connection's time zone at ``timezone_name`` (UTC here: USE_TZ, no TIME_ZONE of the
database), and psycopg's loader gives a value in the connection's time zone, so the values are the same, UTC and
aware (``tests/core/test_postgresql_backend.py``). Each cursor gets psycopg's loader after Django made it (Django reads
its own loader's ``timezone`` on the connection to decide whether a cursor needs another): when the database's time
zone is not UTC, or psycopg has no C implementation here, the cursor keeps Django's.
"""

from __future__ import annotations

import datetime
from typing import Any

import psycopg
from django.db.backends.postgresql import base, operations
from django.utils.asyncio import async_unsafe
from django.utils.functional import cached_property
from psycopg import adapters, pq
from psycopg.pq import Format

TIMESTAMPTZ = adapters.types["timestamptz"].oid
_LOADER = adapters.get_loader(TIMESTAMPTZ, Format.TEXT)


class DatabaseOperations(operations.DatabaseOperations):
    def last_executed_query(self, cursor: Any, sql: str, params: Any) -> str:
        # $1, $2, ...: the statement as written, without its values (the cursor, or Django's wrapper of it, as an
        # execute wrapper is given it)
        if isinstance(getattr(cursor, "cursor", cursor), psycopg.RawCursor):
            return sql
        return super().last_executed_query(cursor, sql, params)


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations

    @async_unsafe
    def raw_cursor(self) -> Any:
        """A cursor for statements written with PostgreSQL's own placeholders ($1, $2, ...), which psycopg sends as
        they are. psycopg converts a statement's %s placeholders on every run unless the statement is under 4,096
        bytes with at most 50 parameters (its cache of conversions): a case's rows in one statement (core.rows) has
        about 120, and its conversion cost 0.5 ms an intake. Wrapped as Django wraps its own cursors (the debug
        log and any execute wrapper). ``connection.queries`` shows such a statement as written, without its values;
        Django's DEBUG-level log of ``django.db.backends`` logs every statement's parameters, this one's as any
        other's (it is off in every configuration here)."""
        self.close_if_health_check_failed()
        self.ensure_connection()
        with self.wrap_database_errors:
            cursor = psycopg.RawCursor(self.connection)
            self.validate_thread_sharing()
            wrap = self.make_debug_cursor if self.queries_logged else self.make_cursor
            return wrap(cursor)  # type: ignore[arg-type]  # (django-stubs: a psycopg cursor is what is wrapped)

    def create_cursor(self, name: Any = None) -> Any:
        cursor = super().create_cursor(name)
        if self._psycopg_reads_timestamps:
            cursor.adapters.register_loader(TIMESTAMPTZ, _LOADER)
        return cursor

    @cached_property
    def _psycopg_reads_timestamps(self) -> bool:
        return pq.__impl__ in ("c", "binary") and self.timezone is datetime.UTC and self.timezone_name == "UTC"
