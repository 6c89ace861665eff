"""Template filters that put access-log codes into words (audit.describe)."""

from __future__ import annotations

from django import template

from audit import describe

register = template.Library()


@register.filter
def event_label(code: str) -> str:
    return describe.event_label(code)


@register.filter
def detail_label(entry: object) -> str:
    return describe.detail_label(getattr(entry, "event", ""), getattr(entry, "detail", ""))


@register.filter
def record_label(object_type: str) -> str:
    return describe.record_label(object_type)
