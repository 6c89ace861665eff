"""Names of countries and regencies for templates, in the active language: {{ code|country_name }}."""

from __future__ import annotations

from django import template

from core import geography

register = template.Library()


@register.filter
def country_name(code: str) -> str:
    return geography.country_name(code) if code else ""


@register.filter
def regency_name(code: str) -> str:
    found = geography.regencies().get(code) if code else None
    return found[1] if found else ""
