"""Learning events: the forum's own meetings, recorded by coordinators, linked to what came out of them."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Organisation, User
from learning.choices import RecommendationStatus, Status
from learning.models import LearningEvent, Practice, Recommendation
from learning.services import _common as common
from network.models import Challenge, ModerationState

FIELDS = ("title", "date", "place", "province", "agenda")


def _links(
    event: LearningEvent,
    actor: User,
    organisations: Iterable[Organisation],
    practices: Iterable[Practice],
    recommendations: Iterable[Recommendation],
    challenges: Iterable[Challenge],
) -> None:
    challenges = list(challenges)
    if any(c.state != ModerationState.APPROVED for c in challenges):
        raise ValidationError(
            {
                "challenges": _(
                    "Only approved challenges of the register can be linked; pending or rejected ones cannot."
                )
            }
        )
    common.with_actor(event, actor)
    event.organisations.set(list(organisations))
    event.practices.set([p for p in practices if p.status == Status.PUBLISHED])
    event.recommendations.set([r for r in recommendations if r.status != RecommendationStatus.DRAFT])
    event.challenges.set(challenges)


def _fill(event: LearningEvent, fields: dict[str, Any]) -> None:
    assert set(fields) <= set(FIELDS), fields
    for name, value in fields.items():
        setattr(event, name, value if value is not None else "")
    common.require_text(title=event.title, place=event.place)
    event.full_clean(exclude=["created_by"])


@transaction.atomic
def event_create(
    *,
    actor: User,
    organisations: Iterable[Organisation] = (),
    practices: Iterable[Practice] = (),
    recommendations: Iterable[Recommendation] = (),
    challenges: Iterable[Challenge] = (),
    **fields: Any,
) -> LearningEvent:
    common.require_coordinator(actor)
    event = LearningEvent(created_by=actor)
    _fill(event, fields)
    common.save(event, actor, force_insert=True)
    _links(event, actor, organisations, practices, recommendations, challenges)
    return event


@transaction.atomic
def event_update(
    *,
    actor: User,
    event: LearningEvent,
    organisations: Iterable[Organisation] = (),
    practices: Iterable[Practice] = (),
    recommendations: Iterable[Recommendation] = (),
    challenges: Iterable[Challenge] = (),
    **fields: Any,
) -> LearningEvent:
    common.require_coordinator(actor)
    event = LearningEvent.objects.select_for_update().get(pk=event.pk)
    _fill(event, fields)
    common.save(event, actor)
    _links(event, actor, organisations, practices, recommendations, challenges)
    return event
