"""The benchmark: seed a large network into its own PostgreSQL database, serve it with gunicorn, measure pages.

``python -m bench`` (or ``make bench``) runs everything; see bench/README.md. The environment below is set before
Django is imported, so the settings module reads it like a deployment would.
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent  # the project (manage.py)
HERE = Path(__file__).resolve().parent
# The bench's own secrets, keys and logs; never the demo's var/. BENCH_VAR_DIR: another directory, for a bench
# database seeded by another checkout (its keys open that database's ciphertexts and blind indexes).
VAR_DIR = Path(os.environ["BENCH_VAR_DIR"]) if os.environ.get("BENCH_VAR_DIR") else HERE / "var"
RESULTS_DIR = HERE / "results"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/jejaring_bench"
# The shared cache of the production shape (sessions, the navigation's counts): a Redis database the bench owns
# (it is emptied at the start of each run).
DEFAULT_CACHE_URL = "redis://127.0.0.1:6379/13"


def database_url() -> str:
    return os.environ.get("BENCH_DATABASE_URL") or DEFAULT_DATABASE_URL


def environment(url: str) -> dict[str, str]:
    """What the seeding process, manage.py and gunicorn all run with."""
    return {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": url,
        "JEJARING_VAR_DIR": str(VAR_DIR),
        "DJANGO_DEBUG": "0",
        "JEJARING_DEMO": "0",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        # As in production: sessions and counts in Redis, shared by the gunicorn workers; pooled connections.
        "JEJARING_CACHE_URL": cache_url(),
        "DATABASE_POOL": os.environ.get("BENCH_DATABASE_POOL", "1"),
        # The bench's few caseworkers search thousands of times an hour: the per-user limits on identity lookups,
        # right for a person, would answer most of those requests with 429 and measure the refusal instead.
        "JEJARING_IDENTITY_SEARCHES_PER_HOUR": "10000000",
        "JEJARING_DUPLICATE_CHECKS_PER_HOUR": "10000000",
        "JEJARING_IDENTITY_REVEALS_PER_HOUR": "10000000",
    }


def cache_url() -> str:
    return os.environ.get("BENCH_CACHE_URL") or DEFAULT_CACHE_URL


def scale_broker_url() -> str:
    """--scale-out's Celery broker: a Redis database the mode owns (emptied at its start)."""
    return os.environ.get("BENCH_SCALE_BROKER_URL") or "redis://127.0.0.1:6379/11"
