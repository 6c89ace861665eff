"""Counts the navigation shows on every page (unread notifications, open audit flags), kept in the cache.

The app that writes the counted rows forgets the count when it writes them (``forget``): at once, and again when the
transaction commits, so that a request that counted in between does not leave the old figure behind. The time to
live bounds what a write made without forgetting (a shell, a migration) can leave stale.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.core.cache import cache
from django.db import transaction

TTL_SECONDS = 300


def cached_count(key: str, count: Callable[[], int], ttl: int = TTL_SECONDS) -> int:
    found = cache.get(key)
    if found is None:
        found = count()
        cache.set(key, found, ttl)
    return int(found)


def forget(keys: Iterable[str]) -> None:
    keys = list(keys)
    if not keys:
        return
    cache.delete_many(keys)
    transaction.on_commit(lambda: cache.delete_many(keys))
