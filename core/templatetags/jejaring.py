from __future__ import annotations

from datetime import timedelta

from django import template
from django.utils import timezone
from django.utils.timesince import timesince

register = template.Library()


@register.filter
def duration(value: timedelta | None) -> str:
    """A length of time in words, in the active language: "2 hari, 3 jam"."""
    if value is None:
        return ""
    now = timezone.now()
    return timesince(now - value, now, depth=2)
