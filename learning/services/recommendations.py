"""Policy recommendations: drafting, evidence, endorsements (one per organisation), submission, answer, outcome."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit import access_log
from audit.models import AccessLog
from learning.choices import OUTCOMES, EvidenceKind, RecommendationStatus, Status
from learning.models import Endorsement, Evidence, Practice, Recommendation
from learning.selectors import may_steer
from learning.services import _common as common

FIELDS = ("title", "problem", "recommendation", "institution")
S = RecommendationStatus


def _require_status(recommendation: Recommendation, *statuses: str) -> None:
    if recommendation.status not in statuses:
        raise ValidationError(
            _("This recommendation is %(status)s: that cannot be done now.")
            % {"status": recommendation.status_label.lower()}
        )


def _fill(recommendation: Recommendation, fields: dict[str, Any]) -> None:
    assert set(fields) <= set(FIELDS), fields
    for name, value in fields.items():
        setattr(recommendation, name, value or "")
    common.require_text(
        title=recommendation.title, problem=recommendation.problem, recommendation=recommendation.recommendation
    )
    recommendation.full_clean(exclude=["organisation", "author"])


def _locked(recommendation: Recommendation) -> Recommendation:
    return Recommendation.objects.select_for_update().get(pk=recommendation.pk)


def _touch(recommendation: Recommendation, actor: User) -> None:
    recommendation.updated_at = timezone.now()
    common.save(recommendation, actor)


_may_steer = may_steer


@transaction.atomic
def recommendation_create(*, actor: User, **fields: Any) -> Recommendation:
    common.require_author_role(actor)
    recommendation = Recommendation(organisation=actor.organisation, author=actor)
    _fill(recommendation, fields)
    common.save(recommendation, actor, force_insert=True)
    return recommendation


@transaction.atomic
def recommendation_update(*, actor: User, recommendation: Recommendation, **fields: Any) -> Recommendation:
    recommendation = _locked(recommendation)
    common.require_author(actor, recommendation)
    _require_status(recommendation, S.DRAFT)
    _fill(recommendation, fields)
    _touch(recommendation, actor)
    return recommendation


@transaction.atomic
def recommendation_open(*, actor: User, recommendation: Recommendation) -> Recommendation:
    recommendation = _locked(recommendation)
    if not _may_steer(actor, recommendation):
        raise PermissionDenied
    _require_status(recommendation, S.DRAFT)
    recommendation.status, recommendation.opened_at = S.OPEN, timezone.now()
    _touch(recommendation, actor)
    return recommendation


@transaction.atomic
def recommendation_endorse(*, actor: User, recommendation: Recommendation) -> Endorsement:
    """The actor's organisation endorses the recommendation: once per organisation (a unique constraint holds it
    even if two colleagues click at the same moment)."""
    common.require_author_role(actor)
    recommendation = _locked(recommendation)
    _require_status(recommendation, S.OPEN)
    message = _("Your organisation has already endorsed this recommendation.")
    if Endorsement.objects.filter(recommendation=recommendation, organisation=actor.organisation).exists():
        raise ValidationError(message)
    endorsement = Endorsement(recommendation=recommendation, organisation=actor.organisation, given_by=actor)
    try:
        with transaction.atomic():
            common.save(endorsement, actor, force_insert=True)
    except IntegrityError:
        raise ValidationError(message) from None
    return endorsement


@transaction.atomic
def recommendation_submit(
    *, actor: User, recommendation: Recommendation, submitted_on: date, submitted_to: str, submitted_how: str
) -> Recommendation:
    common.require_coordinator(actor)
    recommendation = _locked(recommendation)
    _require_status(recommendation, S.OPEN)
    common.require_text(submitted_to=submitted_to, submitted_how=submitted_how)
    if submitted_on > timezone.localdate():
        raise ValidationError({"submitted_on": _("The date is in the future.")})
    recommendation.status = S.SUBMITTED
    recommendation.submitted_on, recommendation.submitted_to, recommendation.submitted_how = (
        submitted_on,
        submitted_to.strip(),
        submitted_how,
    )
    recommendation.full_clean(exclude=["organisation", "author"])
    _touch(recommendation, actor)
    return recommendation


@transaction.atomic
def recommendation_answer(
    *, actor: User, recommendation: Recommendation, answered_on: date, answer: str
) -> Recommendation:
    common.require_coordinator(actor)
    recommendation = _locked(recommendation)
    _require_status(recommendation, S.SUBMITTED)
    common.require_text(answer=answer)
    if recommendation.submitted_on and answered_on < recommendation.submitted_on:
        raise ValidationError({"answered_on": _("The answer cannot come before the submission.")})
    recommendation.status, recommendation.answered_on, recommendation.answer = S.ANSWERED, answered_on, answer.strip()
    _touch(recommendation, actor)
    return recommendation


@transaction.atomic
def recommendation_decide(
    *, actor: User, recommendation: Recommendation, outcome: str, decided_on: date | None = None
) -> Recommendation:
    """What became of it: adopted, partly adopted or rejected."""
    common.require_coordinator(actor)
    recommendation = _locked(recommendation)
    _require_status(recommendation, S.ANSWERED, *OUTCOMES)
    if outcome not in OUTCOMES:
        raise ValidationError({"outcome": _("Choose adopted, partly adopted or rejected.")})
    recommendation.status, recommendation.decided_on = outcome, decided_on or timezone.localdate()
    _touch(recommendation, actor)
    return recommendation


def _require_evidence_editable(actor: User, recommendation: Recommendation) -> None:
    if not _may_steer(actor, recommendation):
        raise PermissionDenied
    _require_status(recommendation, S.DRAFT, S.OPEN)


@transaction.atomic
def evidence_add_practice(*, actor: User, recommendation: Recommendation, practice: Practice) -> Evidence:
    recommendation = _locked(recommendation)
    _require_evidence_editable(actor, recommendation)
    if practice.status != Status.PUBLISHED:
        raise ValidationError({"practice": _("Only a published practice can be cited.")})
    if Evidence.objects.filter(recommendation=recommendation, practice=practice).exists():
        raise ValidationError({"practice": _("This practice is already cited.")})
    evidence = Evidence(
        recommendation=recommendation,
        kind=EvidenceKind.PRACTICE,
        practice=practice,
        frozen_label=practice.title[:300],
        added_by=actor,
    )
    common.save(evidence, actor, force_insert=True)
    _touch(recommendation, actor)
    return evidence


@transaction.atomic
def evidence_remove(*, actor: User, evidence: Evidence) -> None:
    recommendation = _locked(evidence.recommendation)
    _require_evidence_editable(actor, recommendation)
    common.with_actor(evidence, actor)
    evidence.delete()
    _touch(recommendation, actor)


def brief_export(*, actor: User, recommendation: Recommendation, request: HttpRequest | None = None) -> None:
    """The printable brief leaves the system on paper or as a PDF: logged like an export."""
    common.require_member(actor)
    access_log.record_for(AccessLog.Event.BRIEF_EXPORTED, actor=actor, obj=recommendation, request=request)
