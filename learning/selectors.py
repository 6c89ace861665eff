"""Reads of the learning space, and its gate.

Who sees what:
- published practices, documents, recommendations past their draft and every learning event: every active member;
- drafts (and items in review, and archived ones) of an organisation: that organisation's members only; other
  organisations get a 404, so that a draft's existence does not leak;
- items in review: also the coordinators, who review them; archived items: also coordinators and admins.
Which case a case study came from is never read here: readers' pages have no way to show it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db.models import Model, Q, QuerySet
from django.http import Http404

from accounts.choices import Role
from accounts.models import Organisation, User
from core import pagination
from learning.choices import RecommendationStatus, Status, Topic

# The library's reads (its rows as values) live beside, in learning/library.py; views reach them through here.
from learning.library import (  # noqa: F401
    PAGE_SIZE,
    LibraryFilters,
    LibraryRow,
    Unpublished,
    library,
    library_organisations,
    own_unpublished,
)
from learning.models import (
    Comment,
    Document,
    Endorsement,
    Evidence,
    HelpfulMark,
    LearningEvent,
    Practice,
    Recommendation,
    TopicFollow,
)

MEMBER_ROLES = (Role.CASEWORKER, Role.COORDINATOR, Role.ADMIN)
AUTHOR_ROLES = (Role.CASEWORKER, Role.COORDINATOR)
M = TypeVar("M", bound=Model)


def is_member(user: User) -> bool:
    return bool(user.is_authenticated and user.role in MEMBER_ROLES)


def _reviewed_q(user: User) -> Q:
    q = Q(status=Status.PUBLISHED)
    if user.organisation is not None:
        q |= Q(organisation=user.organisation)
    if user.role == Role.COORDINATOR:
        q |= Q(status__in=[Status.IN_REVIEW, Status.ARCHIVED])
    elif user.role == Role.ADMIN:
        q |= Q(status=Status.ARCHIVED)
    return q


def _get(queryset: QuerySet[M], object_id: Any) -> M:
    try:
        return queryset.get(pk=uuid.UUID(str(object_id)))
    except (ValueError, queryset.model.DoesNotExist):  # type: ignore[attr-defined]
        raise Http404 from None


# --- Practices -------------------------------------------------------------------------------------------------


def visible_practices(user: User) -> QuerySet[Practice]:
    if not is_member(user):
        return Practice.objects.none()
    return Practice.objects.filter(_reviewed_q(user))


def get_practice_for(user: User, practice_id: Any) -> Practice:
    return _get(visible_practices(user).select_related("organisation", "author"), practice_id)


def review_queue(user: User) -> dict[str, Any]:
    if user.role != Role.COORDINATOR:
        return {"practices": [], "documents": []}
    return {
        "practices": list(
            Practice.objects.filter(status=Status.IN_REVIEW).select_related("organisation").order_by("updated_at")
        ),
        "documents": list(
            Document.objects.filter(status=Status.IN_REVIEW).select_related("organisation").order_by("updated_at")
        ),
    }


def has_marked(user: User, practice: Practice) -> bool:
    return HelpfulMark.objects.filter(practice=practice, user=user).exists()


def comments_of(user: User, practice: Practice) -> list[Comment]:
    rows = Comment.objects.filter(practice=practice).select_related("author", "organisation")
    if user.role != Role.COORDINATOR:
        rows = rows.filter(hidden=False)
    return list(rows)


def get_comment_for(user: User, comment_id: Any) -> Comment:
    try:
        pk = int(str(comment_id))
        return Comment.objects.select_related("practice").get(pk=pk, practice__in=visible_practices(user))
    except (ValueError, Comment.DoesNotExist):
        raise Http404 from None


def followed_topics(user: User) -> set[str]:
    return set(TopicFollow.objects.filter(user=user).values_list("topic", flat=True))


def topic_followers(topic: str, *, exclude: int | None = None) -> QuerySet[User]:
    return User.objects.filter(
        is_active=True,
        membership__is_active=True,
        pk__in=TopicFollow.objects.filter(topic=topic).values("user_id"),
    ).exclude(pk=exclude or 0)


def events_of_practice(user: User, practice: Practice) -> list[LearningEvent]:
    return list(practice.events.all()) if is_member(user) else []


TOPICS = Topic.choices


# --- Documents -------------------------------------------------------------------------------------------------


def visible_documents(user: User) -> QuerySet[Document]:
    if not is_member(user):
        return Document.objects.none()
    return Document.objects.filter(_reviewed_q(user))


def get_document_for(user: User, document_id: Any) -> Document:
    return _get(visible_documents(user).select_related("organisation", "author"), document_id)


def may_edit_document(user: User, document: Document) -> bool:
    """The uploader's organisation (its caseworkers and coordinators) and the network's coordinators edit a
    document's description (never its file), until it is archived."""
    if document.status == Status.ARCHIVED or user.role not in AUTHOR_ROLES:
        return False
    own = user.organisation is not None and user.organisation.pk == document.organisation_id
    return own or user.role == Role.COORDINATOR


def document_list(user: User, *, kind: str = "", q: str = "", cursor: str = "") -> dict[str, Any]:
    rows = Document.objects.filter(status=Status.PUBLISHED).select_related("organisation")
    if kind:
        rows = rows.filter(kind=kind)
    if q:
        rows = rows.filter(Q(title__icontains=q) | Q(description__icontains=q))
    page = pagination.keyset_page(rows.order_by("-published_at", "-id"), cursor, time_field="published_at")
    own = (
        Document.objects.filter(organisation=user.organisation).exclude(status=Status.PUBLISHED).order_by("-updated_at")
        if user.organisation
        else Document.objects.none()
    )
    return {"page": page, "own": list(own[:50])}


# --- Recommendations -------------------------------------------------------------------------------------------


def visible_recommendations(user: User) -> QuerySet[Recommendation]:
    if not is_member(user):
        return Recommendation.objects.none()
    q = ~Q(status=RecommendationStatus.DRAFT)
    if user.organisation is not None:
        q |= Q(organisation=user.organisation)
    return Recommendation.objects.filter(q)


def get_recommendation_for(user: User, recommendation_id: Any) -> Recommendation:
    return _get(visible_recommendations(user).select_related("organisation", "author"), recommendation_id)


def recommendation_list(user: User, *, status: str = "", institution: str = "") -> list[Recommendation]:
    rows = visible_recommendations(user).select_related("organisation")
    if status:
        rows = rows.filter(status=status)
    if institution:
        rows = rows.filter(institution=institution)
    return list(rows.order_by("-updated_at", "-id")[:200])


def endorsements_of(recommendation: Recommendation) -> list[Endorsement]:
    return list(recommendation.endorsements.select_related("organisation").order_by("organisation__name"))


def evidence_of(user: User, recommendation: Recommendation) -> list[Evidence]:
    """The evidence, with cited practices the reader may not see (archived, say) left out."""
    rows = list(recommendation.evidence.select_related("practice"))
    visible = set(
        visible_practices(user)
        .filter(pk__in=[e.practice_id for e in rows if e.practice_id])
        .values_list("pk", flat=True)
    )
    return [e for e in rows if e.practice_id is None or e.practice_id in visible]


def citable_practices(user: User) -> QuerySet[Practice]:
    return Practice.objects.filter(status=Status.PUBLISHED).order_by("title").only("id", "title")


def citable_figures(user: User) -> list[tuple[str, str]]:
    """Figures of the released quarterly reports, as (``<report id>|<key>``, "period · label: value") choices."""
    from network import selectors as network_selectors
    from network.models import QuarterlyReport

    choices = []
    for report in network_selectors.reports(user).filter(status=QuarterlyReport.Status.RELEASED).order_by("-period"):
        choices += [
            (f"{report.pk}|{f.key}", f"{report.period} · {f.label}: {f.value}")
            for f in network_selectors.report_figures(report)
        ]
    return choices


def citable_challenges(user: User) -> QuerySet[Any]:
    from network import selectors as network_selectors

    return network_selectors.approved_challenges()


def report_for_citing(user: User, report_id: str) -> Any:
    from network import selectors as network_selectors

    return network_selectors.get_report_for(user, report_id)


def get_evidence_for(user: User, recommendation: Recommendation, evidence_id: Any) -> Evidence:
    try:
        return recommendation.evidence.get(pk=int(str(evidence_id)))
    except (ValueError, Evidence.DoesNotExist):
        raise Http404 from None


def may_steer(user: User, recommendation: Recommendation) -> bool:
    """The author and the coordinators move a recommendation along (and cite its evidence) before submission."""
    return user.pk == recommendation.author_id or user.role == Role.COORDINATOR


def has_endorsed(user: User, recommendation: Recommendation) -> bool:
    return bool(
        user.organisation
        and Endorsement.objects.filter(recommendation=recommendation, organisation=user.organisation).exists()
    )


# --- Learning events -------------------------------------------------------------------------------------------


def visible_events(user: User) -> QuerySet[LearningEvent]:
    return LearningEvent.objects.all() if is_member(user) else LearningEvent.objects.none()


def get_event_for(user: User, event_id: Any) -> LearningEvent:
    return _get(visible_events(user), event_id)


@dataclass
class Participation:
    count: int
    provinces: list[str]


def participation(event: LearningEvent) -> Participation:
    """How many organisations took part and from which provinces: not who (a list of names is not needed to learn)."""
    from core import provinces

    codes = sorted(set(event.organisations.values_list("province", flat=True)))
    return Participation(
        count=event.organisations.count(),
        provinces=[provinces.BY_CODE[c].name for c in codes if c in provinces.BY_CODE],
    )


def event_outputs(user: User, event: LearningEvent) -> dict[str, Any]:
    from network.models import ModerationState

    return {
        "practices": list(event.practices.filter(pk__in=visible_practices(user).values("pk")).defer("body")),
        "recommendations": list(event.recommendations.filter(pk__in=visible_recommendations(user).values("pk"))),
        "challenges": list(
            event.challenges.filter(state=ModerationState.APPROVED).select_related("organisation").order_by("period")
        ),
    }


def challenge_origins(*, user: User, challenge_ids: list[Any]) -> list[Any]:
    """For network's register (network.hooks.challenge_origins): the learning events each challenge came out of."""
    from django.urls import reverse
    from django.utils.formats import date_format

    from network.hooks import Origin

    if not is_member(user):
        return []
    rows = (
        visible_events(user)
        .filter(challenges__in=challenge_ids)
        .order_by("-date", "-id")
        .values_list("challenges", "pk", "title", "date")
    )
    return [
        Origin(
            challenge_id=challenge_id,
            label=f"{title} ({date_format(day, 'SHORT_DATE_FORMAT')})",
            url=reverse("learning:event_detail", args=[pk]),
        )
        for challenge_id, pk, title, day in rows
    ]


def events_of_recommendation(user: User, recommendation: Recommendation) -> list[LearningEvent]:
    return list(recommendation.events.all())


def event_list(user: User) -> list[LearningEvent]:
    return list(visible_events(user).order_by("-date", "-id")[:200])


def event_choices() -> dict[str, QuerySet[Any]]:
    return {
        "organisations": Organisation.objects.filter(is_active=True).order_by("name"),
        "practices": Practice.objects.filter(status=Status.PUBLISHED).order_by("title").only("id", "title"),
        "recommendations": Recommendation.objects.exclude(status=RecommendationStatus.DRAFT).order_by("title"),
        "challenges": citable_challenges_for_events(),
    }


def citable_challenges_for_events() -> QuerySet[Any]:
    """Only approved challenges may be linked to an event (pending or rejected ones are not part of the register)."""
    from network import selectors as network_selectors

    return network_selectors.approved_challenges().order_by("-period", "category", "-created_at")
