"""Hourly limits on identity lookups: duplicate checks, identity searches, reveals of identity fields.

Each is a lookup of who a person is (or whether a trafficking victim is known to the network, and where), so a
user gets a number of each per sliding hour (JEJARING_DUPLICATE_CHECKS_PER_HOUR, JEJARING_IDENTITY_SEARCHES_PER_HOUR,
JEJARING_IDENTITY_REVEALS_PER_HOUR). The times of a user's lookups are kept in Django's cache (Redis in production,
shared by every web process), never in a table. A refused lookup is written to the access log as ``access_denied`` with
the detail ``limit:<kind>``; audit.flags raises a flag for it.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from accounts.models import User
from audit import access_log
from audit.models import AccessLog

DUPLICATE_CHECK = "duplicate_check"
IDENTITY_SEARCH = "identity_search"
IDENTITY_REVEAL = "identity_reveal"
WINDOW_SECONDS = 3600

SETTINGS = {
    DUPLICATE_CHECK: "JEJARING_DUPLICATE_CHECKS_PER_HOUR",
    IDENTITY_SEARCH: "JEJARING_IDENTITY_SEARCHES_PER_HOUR",
    IDENTITY_REVEAL: "JEJARING_IDENTITY_REVEALS_PER_HOUR",
}


def per_hour(kind: str) -> int:
    return int(getattr(settings, SETTINGS[kind]))


def _key(user: User, kind: str) -> str:
    return f"jj:lookups:{kind}:{user.pk}"


def lookup_allowed(user: User, kind: str, *, request: HttpRequest | None = None) -> bool:
    """Count one lookup of ``kind`` by ``user`` if they have one left this hour; else log the refusal, False."""
    now = time.time()
    recent = [at for at in cache.get(_key(user, kind), []) if at > now - WINDOW_SECONDS]
    if len(recent) >= per_hour(kind):
        cache.set(_key(user, kind), recent, WINDOW_SECONDS)
        access_log.record(AccessLog.Event.ACCESS_DENIED, actor=user, request=request, detail=f"limit:{kind}")
        return False
    cache.set(_key(user, kind), [*recent, now], WINDOW_SECONDS)
    return True
