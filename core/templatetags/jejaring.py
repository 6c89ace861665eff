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


@register.filter
def label(value: object) -> object:
    """A coded value (``{"code": ..., "label": ...}``, as in the subject access export) shown by its label; a list of
    them as labels separated by commas; anything else as it is."""
    if isinstance(value, dict) and "label" in value:
        return value["label"]
    if isinstance(value, list) and all(isinstance(item, dict) and "label" in item for item in value):
        return ", ".join(str(item["label"]) for item in value)
    return value
