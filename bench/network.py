"""The network's share of the bench (issue 11): statistics consents for the seeded cases, and the refresh job.

The seed (bench/seed.py) gives consents to services and sharing only. ``prepare()`` adds the statistics consent to
four cases in five (the same ones every time: chosen by their id), once, with history by the caseworker who opened
the case, so that the aggregates count a realistic share; then, if the aggregates were never computed, it refreshes
them, so that the network pages read what they would in production.

``refresh_job`` times one ``network.services.aggregates_refresh()`` over the whole network (target: under 60 s at
100,000 cases and 50,000 referrals), counting its statements.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from simple_history.utils import bulk_create_with_history

from casework.choices import CHILD_BANDS, ConsentGivenBy, ConsentKind
from casework.models import Case, Consent
from network import selectors, services
from network.models import Aggregate

TARGET_SECONDS = 60.0
SHARE = 5  # four cases in five get the statistics consent


def prepare(log: Callable[[str], None] = print) -> None:
    have = set(Consent.objects.filter(kind=ConsentKind.STATISTICS).values_list("case_id", flat=True))
    rows = []
    for pk, intake, band, created_by in Case.objects.values_list("pk", "intake_date", "age_band", "created_by"):
        if pk in have or pk.int % SHARE == 0:
            continue
        consent = Consent(
            case_id=pk,
            kind=ConsentKind.STATISTICS,
            given_on=intake,
            given_by=ConsentGivenBy.GUARDIAN if band in CHILD_BANDS else ConsentGivenBy.PERSON,
            recorded_by_id=created_by,
        )
        consent._history_user_id = created_by  # type: ignore[attr-defined]
        rows.append(consent)
    if rows:
        bulk_create_with_history(rows, Consent, batch_size=5000)
        log(f"  statistics consent added to {len(rows):,} cases")
    if selectors.last_refresh() is None:
        started = time.perf_counter()
        services.aggregates_refresh()
        log(f"  aggregates computed in {time.perf_counter() - started:.1f} s")


def refresh_job(seeded_before: datetime | None, log: Callable[[str], None] = print) -> object:
    from bench.jobs import JobResult

    prepare(log)
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        run = services.aggregates_refresh()
        seconds = time.perf_counter() - started
    rows = Aggregate.objects.count()
    return JobResult(
        name="network_refresh",
        describe=f"network.services.aggregates_refresh() over {run.cases_counted:,} statistics-consented cases",
        items=run.cases_counted,
        seconds=seconds,
        per_second=run.cases_counted / seconds if seconds else 0.0,
        sql=len(queries),
        sql_per_item=len(queries) / run.cases_counted if run.cases_counted else 0.0,
        target=f"every aggregate within {TARGET_SECONDS:.0f} s",
        met=seconds <= TARGET_SECONDS,
        passes=[],
        notes=[f"{rows:,} aggregate rows written", f"{Case.objects.count():,} cases in the bench database"],
    )
