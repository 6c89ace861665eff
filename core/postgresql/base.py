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

from django.db.backends.postgresql import base
from django.utils.functional import cached_property
from psycopg import adapters, pq
from psycopg.pq import Format

TIMESTAMPTZ = adapters.types["timestamptz"].oid
_LOADER = adapters.get_loader(TIMESTAMPTZ, Format.TEXT)


class DatabaseWrapper(base.DatabaseWrapper):
    def create_cursor(self, name: Any = None) -> Any:
        cursor = super().create_cursor(name)
        if self._psycopg_reads_timestamps:
            cursor.adapters.register_loader(TIMESTAMPTZ, _LOADER)
        return cursor

    @cached_property
    def _psycopg_reads_timestamps(self) -> bool:
        return pq.__impl__ in ("c", "binary") and self.timezone is datetime.UTC and self.timezone_name == "UTC"
