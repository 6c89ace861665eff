"""Good practices and case studies: writing, review, publication, marks, comments, topics followed."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from casework import access as case_access
from casework.choices import ConsentKind
from casework.models import Case, Consent
from casework.selectors import active_consent
from learning import reminders as notices
from learning.choices import Status, Topic
from learning.models import Comment, HelpfulMark, Practice, TopicFollow
from learning.services import _common as common

FIELDS = ("title", "summary", "body", "topic", "service_type", "exploitation_type", "province")


def refresh_search_vector(practice_ids: Iterable[Any]) -> None:
    """The stored search vector of these practices (PostgreSQL only; SQLite searches with icontains)."""
    if connection.vendor != "postgresql":
        return
    from django.contrib.postgres.search import SearchVector

    vector = (
        SearchVector("title", weight="A", config="simple")
        + SearchVector("summary", weight="B", config="simple")
        + SearchVector("body", weight="C", config="simple")
    )
    Practice.objects.filter(pk__in=list(practice_ids)).update(search_vector=vector)


def _fill(practice: Practice, fields: dict[str, Any]) -> None:
    unknown = set(fields) - set(FIELDS)
    assert not unknown, unknown
    for name, value in fields.items():
        setattr(practice, name, value or "")
    common.require_text(title=practice.title, summary=practice.summary, body=practice.body)
    practice.full_clean(exclude=["organisation", "author", "source_case", "source_consent"])


@transaction.atomic
def practice_create(*, actor: User, **fields: Any) -> Practice:
    common.require_author_role(actor)
    practice = Practice(organisation=actor.organisation, author=actor)
    _fill(practice, fields)
    common.save(practice, actor, force_insert=True)
    refresh_search_vector([practice.pk])
    return practice


@transaction.atomic
def case_study_create(*, actor: User, case: Case, **fields: Any) -> Practice:
    """A practice drawn from a case: only with the person's active consent to learning use. The case and consent are
    kept for that rule alone; a second member must sign off the de-identification before it can be published."""
    if not case_access.access_for(actor, case).can_change:
        raise PermissionDenied
    consent = active_consent(case, ConsentKind.LEARNING)
    if consent is None:
        raise ValidationError(
            _("The person has not consented to an anonymised case study. Record that consent on the case first.")
        )
    practice = Practice(organisation=actor.organisation, author=actor, source_case=case, source_consent=consent)
    _fill(practice, fields)
    common.save(practice, actor, force_insert=True)
    refresh_search_vector([practice.pk])
    return practice


def _locked(practice: Practice) -> Practice:
    return Practice.objects.select_for_update().get(pk=practice.pk)


@transaction.atomic
def practice_update(*, actor: User, practice: Practice, **fields: Any) -> Practice:
    """The author edits a draft. Editing a case study undoes its de-identification sign-off: the text changed."""
    practice = _locked(practice)
    common.require_author(actor, practice)
    common.require_status(practice, Status.DRAFT)
    _fill(practice, fields)
    practice.updated_at = timezone.now()
    if practice.is_case_study:
        practice.deidentified_by, practice.deidentified_at = None, None
    common.save(practice, actor)
    refresh_search_vector([practice.pk])
    return practice


@transaction.atomic
def practice_submit(*, actor: User, practice: Practice) -> Practice:
    practice = _locked(practice)
    common.submit(practice, actor)
    notices.review_requested(practice, "practice")
    return practice


@transaction.atomic
def practice_return(*, actor: User, practice: Practice) -> Practice:
    practice = _locked(practice)
    common.send_back(practice, actor)
    return practice


@transaction.atomic
def practice_signoff(*, actor: User, practice: Practice) -> Practice:
    """A second member confirms that the case study identifies no one: a colleague of the author who may work on the
    case (they can judge what would identify the person), never the author."""
    practice = _locked(practice)
    if not practice.is_case_study:
        raise ValidationError(_("Only a case study needs a de-identification sign-off."))
    common.require_status(practice, Status.DRAFT, Status.IN_REVIEW)
    if actor.pk == practice.author_id:
        raise ValidationError(_("A second member must sign off the de-identification, not the author."))
    case = Case.objects.get(pk=practice.source_case_id)  # type: ignore[misc]  # a case study has one
    if not case_access.access_for(actor, case).can_change:
        raise PermissionDenied
    practice.deidentified_by, practice.deidentified_at = actor, timezone.now()
    common.save(practice, actor)
    return practice


@transaction.atomic
def practice_publish(*, actor: User, practice: Practice, checklist: Iterable[str]) -> Practice:
    practice = _locked(practice)
    if practice.is_case_study:
        consent = Consent.objects.filter(pk=practice.source_consent_id).first()  # type: ignore[misc]
        if consent is None or not consent.is_active:
            raise ValidationError(_("The person's consent to learning use is no longer active."))
        if practice.deidentified_by_id is None:
            raise ValidationError(_("A second member must sign off the de-identification before publication."))
    common.publish(practice, actor, checklist)
    notices.practice_published(practice)
    return practice


@transaction.atomic
def practice_pin(*, actor: User, practice: Practice, pinned: bool) -> Practice:
    practice = _locked(practice)
    common.require_coordinator(actor)
    common.require_status(practice, Status.PUBLISHED)
    practice.pinned = pinned
    common.save(practice, actor)
    return practice


@transaction.atomic
def practice_archive(*, actor: User, practice: Practice) -> Practice:
    practice = _locked(practice)
    common.archive(practice, actor)
    practice.pinned = False
    common.save(practice, actor)
    return practice


def _require_published(practice: Practice) -> None:
    if practice.status != Status.PUBLISHED:
        raise ValidationError(_("Only a published practice can be marked or commented on."))


@transaction.atomic
def helpful_toggle(*, actor: User, practice: Practice) -> bool:
    """Mark the practice as having helped the actor, or take the mark back. Returns whether it is now marked."""
    common.require_member(actor)
    practice = _locked(practice)
    _require_published(practice)
    mark = HelpfulMark.objects.filter(practice=practice, user=actor).first()
    if mark is not None:
        common.with_actor(mark, actor)
        mark.delete()
        Practice.objects.filter(pk=practice.pk).update(helpful_count=F("helpful_count") - 1)
        return False
    mark = HelpfulMark(practice=practice, user=actor)
    common.save(mark, actor, force_insert=True)
    Practice.objects.filter(pk=practice.pk).update(helpful_count=F("helpful_count") + 1)
    return True


@transaction.atomic
def comment_add(*, actor: User, practice: Practice, body: str) -> Comment:
    common.require_member(actor)
    _require_published(practice)
    common.require_text(body=body)
    comment = Comment(practice=practice, author=actor, organisation=actor.organisation, body=body.strip())
    comment.full_clean(exclude=["practice", "author", "organisation"])
    common.save(comment, actor, force_insert=True)
    return comment


@transaction.atomic
def comment_hide(*, actor: User, comment: Comment, hidden: bool = True) -> Comment:
    common.require_coordinator(actor)
    comment.hidden = hidden
    common.save(comment, actor)
    return comment


@transaction.atomic
def topics_follow(*, actor: User, topics: Iterable[str]) -> set[str]:
    """The actor now follows exactly these topics."""
    common.require_member(actor)
    wanted = {t for t in topics if t in Topic.values}
    for follow in TopicFollow.objects.filter(user=actor).exclude(topic__in=wanted):
        common.with_actor(follow, actor)
        follow.delete()
    have = set(TopicFollow.objects.filter(user=actor).values_list("topic", flat=True))
    for topic in sorted(wanted - have):
        common.save(TopicFollow(user=actor, topic=topic), actor, force_insert=True)
    return wanted


def on_consent_withdrawn(*, consent: Consent, actor: User) -> None:
    """Withdrawing consent to learning use takes every case study resting on it out of the library (back to draft)
    and tells its author. casework calls this inside the withdrawal's transaction."""
    if consent.kind != ConsentKind.LEARNING:
        return
    for practice in Practice.objects.select_for_update().filter(source_consent=consent):
        if practice.status in (Status.PUBLISHED, Status.IN_REVIEW):
            practice.status, practice.published_at, practice.pinned = Status.DRAFT, None, False
            practice.updated_at = timezone.now()
            common.save(practice, actor)
            notices.study_unpublished(practice)
