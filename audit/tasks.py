"""Celery tasks of audit. Thin: no arguments, one call."""

from __future__ import annotations

from celery import shared_task

from audit import access_log


@shared_task(acks_late=True, ignore_result=True)
def anchor_access_log() -> int:
    """The periodic signed checkpoint of every chain's head (beat, every JEJARING_LOG_ANCHOR_MINUTES)."""
    return access_log.anchor_write().pk
