"""Every write of the network app: refreshing the aggregates, challenges, posted needs, capacity, quarterly reports.

Services take keyword-only arguments and an explicit ``actor``, check the actor's role, run in one transaction, set
the history user, and queue side effects (tasks, notices) on commit.
"""

from __future__ import annotations

import hashlib
import json
import logging
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import Role
from accounts.models import User
from audit import access_log
from audit.models import AccessLog
from core.history import with_actor
from network import aggregation, notices, selectors
from network.disclosure import Period
from network.models import (
    Aggregate,
    CapacityLevel,
    CapacityStatus,
    Challenge,
    ModerationState,
    NeedOffer,
    PostedNeed,
    QuarterlyReport,
    RefreshRun,
)

logger = logging.getLogger("jejaring.network")
MEMBERS = (Role.CASEWORKER, Role.COORDINATOR, Role.ADMIN)


def _require(actor: User, *roles: str) -> None:
    if actor.role not in roles:
        raise PermissionDenied


# --- Aggregates ------------------------------------------------------------------------------------------------


def refresh_request(*, actor: User) -> RefreshRun:
    """A coordinator asks for a refresh now; the worker runs it. A refresh already queued or running is reused."""
    _require(actor, Role.COORDINATOR)
    running = selectors.refresh_in_progress()
    if running is not None:
        return running
    with transaction.atomic():
        run = RefreshRun.objects.create(requested_by=actor)

        def send() -> None:
            from network.tasks import refresh_aggregates

            try:
                refresh_aggregates.apply_async(args=[run.pk], retry=False)
            except Exception as error:  # the broker is down: the nightly run still comes
                logger.warning("could not queue the aggregate refresh (%s)", type(error).__name__)

        transaction.on_commit(send)
    return run


def _read_every_row() -> None:
    """Tell PostgreSQL that the counting reads every row its cursors return (for the current transaction). A cursor is
    otherwise planned for its first rows (``cursor_tuple_fraction`` 0.1): with the statistics consents' count
    underestimated (many given since the last ANALYZE), the consented cases were found by comparing every case with
    every consent, 3 s at 10,000 cases and growing with the square of their number."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL cursor_tuple_fraction = 1.0")


def aggregates_refresh(*, run_id: int | None = None, now: Any = None) -> RefreshRun:
    """Rebuild every aggregate from the statistics selectors, replacing the old rows in one transaction."""
    run = RefreshRun.objects.filter(pk=run_id).first() if run_id else None
    if run is None:
        run = RefreshRun.objects.create()
    RefreshRun.objects.filter(pk=run.pk).update(state=RefreshRun.State.RUNNING, started_at=timezone.now())
    try:
        with transaction.atomic():
            _read_every_row()
            counts, cases = aggregation.compute(challenges=selectors.challenge_rows_for_counting(), now=now)
        with transaction.atomic():
            Aggregate.objects.all().delete()
            Aggregate.objects.bulk_create(
                (
                    Aggregate(period=period, table=table, row=row, col=col, count=count)
                    for (period, table, row, col), count in counts.items()
                ),
                batch_size=2000,
            )
            RefreshRun.objects.filter(pk=run.pk).update(
                state=RefreshRun.State.DONE, finished_at=timezone.now(), cases_counted=cases
            )
    except Exception as error:
        RefreshRun.objects.filter(pk=run.pk).update(
            state=RefreshRun.State.FAILED, finished_at=timezone.now(), error=type(error).__name__[:200]
        )
        raise
    run.refresh_from_db()
    return run


def record_view(*, actor: User, request: Any, page: str, event: str = AccessLog.Event.NETWORK_VIEWED) -> None:
    """Every view of a network page, and every export, in the access log (the page and parameters, no data)."""
    access_log.record(event, actor=actor, request=request, object_type="network", detail=page[:200])


# --- Challenges ------------------------------------------------------------------------------------------------


def challenge_report(
    *, actor: User, category: str, province: str, period: str, description: str, named: bool
) -> Challenge:
    _require(actor, Role.CASEWORKER)
    Period.parse(period)
    with transaction.atomic():
        challenge = Challenge(
            organisation=actor.organisation,
            reported_by=actor,
            category=category,
            province=province,
            period=period,
            description=description.strip(),
            named=named,
        )
        challenge.full_clean()
        with_actor(challenge, actor)
        challenge.save(force_insert=True)
    return challenge


def _moderate(obj: Any, *, actor: User, approve: bool, reason: str) -> None:
    if obj.state != ModerationState.PENDING:
        raise ValidationError(_("This has already been moderated."))
    if not approve and not reason.strip():
        raise ValidationError({"reason": _("Say why you reject it.")})
    obj.state = ModerationState.APPROVED if approve else ModerationState.REJECTED
    obj.moderated_by, obj.moderated_at, obj.moderation_reason = actor, timezone.now(), reason.strip()[:300]
    with_actor(obj, actor)
    obj.save()


def challenge_moderate(*, actor: User, challenge: Challenge, approve: bool, reason: str = "") -> Challenge:
    _require(actor, Role.COORDINATOR)
    with transaction.atomic():
        challenge = Challenge.objects.select_for_update().get(pk=challenge.pk)
        _moderate(challenge, actor=actor, approve=approve, reason=reason)
    return challenge


# --- Posted needs ----------------------------------------------------------------------------------------------


def need_post(*, actor: User, service: str, province: str, urgency: str, expires_on: date, text: str) -> PostedNeed:
    _require(actor, Role.CASEWORKER)
    if expires_on < timezone.localdate():
        raise ValidationError({"expires_on": _("Choose a date from today on.")})
    if (expires_on - timezone.localdate()).days > 90:
        raise ValidationError({"expires_on": _("A posted need lasts at most 90 days.")})
    with transaction.atomic():
        need = PostedNeed(
            organisation=actor.organisation,
            posted_by=actor,
            service=service,
            province=province,
            urgency=urgency,
            expires_on=expires_on,
            text=text.strip(),
        )
        need.full_clean()
        with_actor(need, actor)
        need.save(force_insert=True)
    return need


def need_moderate(*, actor: User, need: PostedNeed, approve: bool, reason: str = "") -> PostedNeed:
    _require(actor, Role.COORDINATOR)
    with transaction.atomic():
        need = PostedNeed.objects.select_for_update().get(pk=need.pk)
        _moderate(need, actor=actor, approve=approve, reason=reason)
    return need


def need_offer(*, actor: User, need: PostedNeed) -> NeedOffer:
    """Another organisation answers "we can help"; the posting organisation is told."""
    _require(actor, Role.CASEWORKER)
    if actor.organisation is None or actor.organisation.pk == need.organisation_id:
        raise PermissionDenied
    if need.state != ModerationState.APPROVED or need.is_expired():
        raise ValidationError(_("This need is no longer open."))
    with transaction.atomic():
        offer, created = NeedOffer.objects.get_or_create(
            need=need, organisation=actor.organisation, defaults={"offered_by": actor}
        )
        if created:
            notices.need_offered(need, offer)
    return offer


# --- Capacity --------------------------------------------------------------------------------------------------


def capacity_set(*, actor: User, service: str, level: str) -> CapacityStatus:
    _require(actor, Role.CASEWORKER)
    organisation = actor.organisation
    if organisation is None or service not in organisation.services:
        raise ValidationError({"service": _("Your organisation does not offer this service.")})
    if level not in CapacityLevel.values:
        raise ValidationError({"level": _("Choose available, limited or full.")})
    with transaction.atomic():
        status = CapacityStatus.objects.filter(organisation=organisation, service=service).first()
        if status is None:
            status = CapacityStatus(organisation=organisation, service=service)
        status.level, status.updated_by, status.updated_at = level, actor, timezone.now()
        with_actor(status, actor)
        status.save()
    return status


# --- Quarterly reports -----------------------------------------------------------------------------------------


def _report_figures(period: Period) -> dict[str, int | str]:
    """The shown figures of a quarter, national level: the same protected tables as the pages."""
    figures: dict[str, int | str] = {}
    origin = selectors.origin_series(period)
    figures["cases.total"] = origin.total.as_json()
    for code, figure in origin.values.items():
        figures[f"origin.{code}"] = figure.as_json()
    for table in selectors.REPORT_TABLES:
        protected = selectors.province_table(period, table)
        for col, figure in protected.col_totals.items():
            figures[f"{table}.{col}"] = figure.as_json()
    return figures


def content_hash(payload: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def report_freeze(*, actor: User, period: str, request: Any = None) -> QuarterlyReport:
    """Freeze a closed quarter's shown figures, with the rule used and a content hash. Immutable afterwards."""
    _require(actor, Role.COORDINATOR)
    quarter = Period.parse(period)
    if quarter.quarter is None or not quarter.is_closed(timezone.localdate()):
        raise ValidationError({"period": _("Only a quarter that has ended can be frozen.")})
    if QuarterlyReport.objects.filter(period=quarter.code).exists():
        raise ValidationError({"period": _("This quarter already has a report.")})
    rule = selectors.rule()
    refreshed = selectors.last_refresh()
    payload = {
        "period": quarter.code,
        "k": rule.k,
        "rounding": rule.base,
        "refreshed_at": refreshed.finished_at.isoformat() if refreshed and refreshed.finished_at else "",
        "figures": _report_figures(quarter),
    }
    with transaction.atomic():
        report = QuarterlyReport(
            period=quarter.code,
            frozen_by=actor,
            k=rule.k,
            rounding=rule.base,
            figures=payload,
            content_hash=content_hash(payload),
        )
        with_actor(report, actor)
        report.save(force_insert=True)
        access_log.record_for(AccessLog.Event.REPORT_FROZEN, actor=actor, obj=report, request=request)
    return report


def report_release(*, actor: User, report: QuarterlyReport, request: Any = None) -> QuarterlyReport:
    """An admin approves the release of a frozen report. The figures and their hash do not change."""
    _require(actor, Role.ADMIN)
    with transaction.atomic():
        report = QuarterlyReport.objects.select_for_update().get(pk=report.pk)
        if report.status != QuarterlyReport.Status.FROZEN:
            raise ValidationError(_("This report is already released."))
        if content_hash(report.figures) != report.content_hash:
            raise ValidationError(_("The report's figures do not match its hash; it cannot be released."))
        report.status, report.released_by, report.released_at = QuarterlyReport.Status.RELEASED, actor, timezone.now()
        with_actor(report, actor)
        report.save(update_fields=["status", "released_by", "released_at"])
        access_log.record_for(AccessLog.Event.REPORT_RELEASED, actor=actor, obj=report, request=request)
    return report
