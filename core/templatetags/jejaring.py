from __future__ import annotations

import functools
from datetime import UTC, datetime, timedelta

from django import template
from django.utils import timezone
from django.utils.timesince import timesince
from django.utils.translation import get_language

register = template.Library()


@register.filter
def duration(value: timedelta | None) -> str:
    """A length of time in words, in the active language: "2 hari, 3 jam"."""
    if value is None:
        return ""
    # Under four weeks the words depend only on the whole minutes (no calendar month is reached): kept per
    # language, as a queue writes two for every row. Longer, Django counts the months of the calendar.
    seconds = value.days * 86400 + value.seconds
    if seconds < SHORT:
        return _short(get_language(), max(seconds, 0) // 60)
    # Longer, Django counts the months of the calendar back from now: kept per language and minute of now (the
    # words name months, weeks and days, which a minute's difference at either end does not change but at a
    # boundary, where the short path rounds the same way).
    minute = int(timezone.now().timestamp()) // 60
    return _long(get_language(), minute, seconds // 60)


SHORT = 28 * 86400
_AT = datetime(2001, 1, 1, tzinfo=UTC)


@functools.lru_cache(maxsize=4096)
def _long(language: str | None, minute: int, minutes: int) -> str:
    now = datetime.fromtimestamp(minute * 60, tz=UTC)
    return timesince(now - timedelta(minutes=minutes), now, depth=2)  # the active language is ``language``


@functools.lru_cache(maxsize=4096)
def _short(language: str | None, minutes: int) -> str:
    return timesince(_AT - timedelta(minutes=minutes), _AT, depth=2)  # the active language is ``language``


@register.filter
def label(value: object) -> object:
    """A coded value (``{"code": ..., "label": ...}``, as in the subject access export) shown by its label; a list of
    them as labels separated by commas; anything else as it is."""
    if isinstance(value, dict) and "label" in value:
        return value["label"]
    if isinstance(value, list) and all(isinstance(item, dict) and "label" in item for item in value):
        return ", ".join(str(item["label"]) for item in value)
    return value
