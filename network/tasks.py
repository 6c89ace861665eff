"""Celery tasks of network. Thin: ids only, then a service."""

from __future__ import annotations

from celery import shared_task

from network import services


@shared_task(acks_late=True, ignore_result=True)
def refresh_aggregates(run_id: int | None = None) -> int:
    """The nightly beat run (no id) and a coordinator's request (the id of its RefreshRun)."""
    return services.aggregates_refresh(run_id=run_id).cases_counted
