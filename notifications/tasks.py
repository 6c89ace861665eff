"""Celery tasks of accounts. Thin: they take no personal data (ids at most) and call a service."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from notifications import reminders


@shared_task(acks_late=True, ignore_result=True)
def dispatch_reminders() -> dict[str, Any]:
    """The beat tick (every minute) and the kick after an event: deliver what is due. Idempotent: running it twice,
    or on two workers at once, delivers each reminder once."""
    return reminders.dispatch().as_dict()
