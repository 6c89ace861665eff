"""The refresh: only statistics-consented cases count, a withdrawn consent drops a case, nothing is decrypted, and
the statistics selectors never read an encrypted column."""

from __future__ import annotations

from datetime import date
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from casework import services as case_services
from casework.choices import ConsentKind, ExploitationType
from casework.models import Consent
from network import selectors, services
from network.disclosure import Period
from network.models import Aggregate, RefreshRun
from tests.network.conftest import stat_cases

pytestmark = pytest.mark.django_db
THIS_YEAR = Period(date.today().year)


def count(table: str, row: str, col: str = "*", period: str = "") -> int:
    found = Aggregate.objects.filter(period=period or THIS_YEAR.code, table=table, row=row, col=col).first()
    return found.count if found else 0


def test_only_statistics_consented_cases_count(alice, refresh):
    stat_cases(alice, 3, origin_province="53", exploitation_types=[ExploitationType.FORCED_LABOUR])
    stat_cases(alice, 2, consent=False, origin_province="53")
    run = refresh()
    assert run.state == RefreshRun.State.DONE and run.cases_counted == 3
    assert count("origin", "53") == 3
    assert count("exploitation", "53", ExploitationType.FORCED_LABOUR) == 3
    assert count("gender", "53", "feminine") == 3


def test_a_withdrawn_consent_drops_the_case_at_the_next_refresh(alice, refresh):
    cases = stat_cases(alice, 2, origin_province="53")
    refresh()
    assert count("origin", "53") == 2
    consent = Consent.objects.get(case=cases[0], kind=ConsentKind.STATISTICS)
    case_services.consent_withdraw(actor=alice, consent=consent)
    assert count("origin", "53") == 2  # until the next refresh
    refresh()
    assert count("origin", "53") == 1


def test_the_refresh_decrypts_nothing(alice, bob, refresh):
    from referrals import services as referral_services

    cases = stat_cases(alice, 2, origin_province="53")
    case_services.consent_give(
        actor=alice, case=cases[0], kind=ConsentKind.SHARING, given_on=date.today(), given_by="person"
    )
    referral_services.referral_send(
        actor=alice,
        case=cases[0],
        to_org=bob.organisation,
        services=["shelter"],
        urgency="routine",
        reason="x",
        sections=[],
    )
    with (
        mock.patch("casework.crypto.decrypt", side_effect=AssertionError("decrypted")),
        mock.patch("casework.vault.Vault.open", side_effect=AssertionError("opened")),
        mock.patch("casework.crypto.unwrap_data_key", side_effect=AssertionError("unwrapped")),
    ):
        run = refresh()
    assert run.state == RefreshRun.State.DONE
    assert count("origin", "53") == 2


def test_the_statistics_selectors_never_select_an_encrypted_column(alice, refresh):
    stat_cases(alice, 1, origin_province="53")
    with CaptureQueriesContext(connection) as queries:
        refresh()
    selects = [q["sql"] for q in queries.captured_queries if q["sql"].lstrip().upper().startswith("SELECT")]
    assert selects
    for sql in selects:
        assert "_enc" not in sql, sql


def test_a_failed_refresh_is_recorded_and_keeps_the_old_figures(alice, refresh):
    stat_cases(alice, 1, origin_province="53")
    refresh()
    with mock.patch("network.aggregation.compute", side_effect=RuntimeError("boom")), pytest.raises(RuntimeError):
        services.aggregates_refresh()
    assert RefreshRun.objects.order_by("-id").first().state == RefreshRun.State.FAILED
    assert count("origin", "53") == 1


def test_the_task_refreshes_a_queued_run(carol, alice, django_capture_on_commit_callbacks):
    from network.tasks import refresh_aggregates

    stat_cases(alice, 1, origin_province="11")
    with (
        mock.patch("network.tasks.refresh_aggregates.apply_async") as queued,
        django_capture_on_commit_callbacks(execute=True),
    ):
        run = services.refresh_request(actor=carol)
    assert queued.call_args.kwargs["args"] == [run.pk]  # the task gets an id, nothing else
    assert selectors.refresh_in_progress() == run
    assert services.refresh_request(actor=carol) == run  # no second refresh while one is queued
    assert refresh_aggregates(run.pk) == 1
    run.refresh_from_db()
    assert run.state == RefreshRun.State.DONE
    assert selectors.last_refresh() == run and selectors.refresh_in_progress() is None


def test_only_coordinators_request_a_refresh(alice, dave):
    from django.core.exceptions import PermissionDenied

    for user in (alice, dave):
        with pytest.raises(PermissionDenied):
            services.refresh_request(actor=user)


def test_the_nightly_refresh_is_scheduled(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["refresh-network-aggregates"]
    assert entry["task"] == "network.tasks.refresh_aggregates"


def test_periods_and_destinations(alice, refresh):
    stat_cases(alice, 1, origin_province="53", destination_country="MY", intake=date(2026, 2, 3))
    stat_cases(alice, 1, origin_province="53", destination_province="51", intake=date(2026, 8, 3))
    refresh()
    assert count("destination", "53", "MY", "2026-Q1") == 1
    assert count("destination", "53", "ID-51", "2026-Q3") == 1
    assert count("origin", "53", "*", "2026") == 2
    assert count("origin", "53", "*", "2026-Q2") == 0


def test_the_refresh_state_is_one_read_of_the_newest_finished_and_the_pending_run(carol):
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    assert selectors.refresh_state() == selectors.RefreshState(last=None, running=None)
    assert selectors.refresh_marker() == ""
    older = RefreshRun.objects.create(state=RefreshRun.State.DONE, requested_at=now, finished_at=now)
    # requested before the other but finished after it: the newest *finished* is the one the figures are from
    newest = RefreshRun.objects.create(
        state=RefreshRun.State.DONE, requested_at=now - timedelta(minutes=5), finished_at=now + timedelta(minutes=1)
    )
    RefreshRun.objects.create(state=RefreshRun.State.FAILED, requested_at=now, finished_at=now + timedelta(minutes=2))
    RefreshRun.objects.create(state=RefreshRun.State.RUNNING, requested_at=now - timedelta(hours=2))  # lost
    assert selectors.refresh_state().running is None
    queued = RefreshRun.objects.create(state=RefreshRun.State.QUEUED, requested_by=carol)
    with CaptureQueriesContext(connection) as captured:
        state = selectors.refresh_state()
    assert len(captured.captured_queries) == 1
    assert state.last == newest and state.last != older and state.running == queued
    assert state.marker == f"{newest.pk}@{newest.finished_at}" == selectors.refresh_marker()
