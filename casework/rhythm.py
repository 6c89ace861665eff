"""The follow-up rhythm by risk level (DOMAIN.md's starting point, configurable in settings)."""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings


def _add_working_days(start: date, days: int) -> date:
    current = start
    while days > 0:
        current += timedelta(days=1)
        if current.weekday() < 5:
            days -= 1
    return current


def first_contact(risk_level: str, today: date) -> date:
    """When the first follow-up of a new (or reopened) case is due."""
    rule = settings.JEJARING_FOLLOW_UP_RHYTHM[risk_level]
    if rule.get("first_working_days"):
        return _add_working_days(today, rule["first_working_days"])
    return today + timedelta(days=rule.get("first_days", 0))


def next_after_contact(risk_level: str, today: date) -> date:
    """When the next follow-up is due after one was recorded."""
    return today + timedelta(days=settings.JEJARING_FOLLOW_UP_RHYTHM[risk_level]["then_days"])
