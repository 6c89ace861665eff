"""The shared learning space: good practices, documents, learning events and policy recommendations.

Nothing here may identify a victim. A practice derived from a case (a case study) keeps the link to its case and to
the person's consent to learning use only for the consent rule; readers never see either.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.choices import ServiceType
from accounts.models import Organisation
from casework.choices import ExploitationType
from casework.models import Case, Consent
from core import provinces
from learning.choices import (
    DocumentKind,
    EvidenceKind,
    Institution,
    RecommendationStatus,
    Status,
    SubmissionChannel,
    Topic,
)
from network.models import Challenge

USER = settings.AUTH_USER_MODEL


class Reviewed(models.Model):
    """The workflow and the reviewer's checklist shared by practices and documents."""

    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("author organisation")
    )
    author = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("author"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("reviewer")
    )
    checklist = models.JSONField(_("review checklist"), default=list, blank=True)  # the keys the reviewer ticked

    class Meta:
        abstract = True

    @property
    def status_label(self) -> str:
        return str(Status(self.status).label)

    @property
    def is_published(self) -> bool:
        return self.status == Status.PUBLISHED


class Practice(Reviewed):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(_("summary"), max_length=500)
    body = models.TextField(_("the practice"), help_text=_("Markdown: **bold**, *italic*, lists, [links](https://…)."))
    topic = models.CharField(_("topic"), max_length=32, choices=Topic.choices)
    service_type = models.CharField(_("service"), max_length=32, choices=ServiceType.choices, blank=True)
    exploitation_type = models.CharField(
        _("type of exploitation"), max_length=32, choices=ExploitationType.choices, blank=True
    )
    province = models.CharField(_("province"), max_length=2, choices=provinces.CHOICES, blank=True)
    pinned = models.BooleanField(_("pinned"), default=False)
    helpful_count = models.PositiveIntegerField(_("marked helpful"), default=0, editable=False)
    # A case study: the case and the consent it rests on, never shown to readers.
    source_case = models.ForeignKey(Case, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    source_consent = models.ForeignKey(Consent, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    deidentified_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    deidentified_at = models.DateTimeField(null=True, blank=True)
    # Filled on PostgreSQL by the services (learning.search); stays empty on SQLite, which searches with icontains.
    search_vector = SearchVectorField(null=True, editable=False)

    history = HistoricalRecords(excluded_fields=["search_vector"])

    class Meta:
        ordering = ["-pinned", "-published_at", "-id"]
        verbose_name = _("good practice")
        verbose_name_plural = _("good practices")
        indexes = [
            models.Index(fields=["status", "-pinned", "-published_at", "-id"], name="learning_practice_list_idx"),
            models.Index(fields=["status", "topic", "-published_at"], name="learning_practice_topic_idx"),
            models.Index(fields=["organisation", "status"], name="learning_practice_org_idx"),
            # A search for a common word (one practice in five) walks the newest first and stops at the page's end
            # instead of reading and sorting every match from the GIN index; a rare word still takes the GIN index.
            models.Index(fields=["status", "-published_at", "-id"], name="learning_practice_newest_idx"),
        ]
        # The GIN index on search_vector is created by migration 0002 on PostgreSQL only.

    def __str__(self) -> str:
        return self.title

    @property
    def reference(self) -> str:
        return f"PB-{self.pk.hex[:8].upper()}"

    @property
    def is_case_study(self) -> bool:
        return self.source_case_id is not None

    # Labels straight from the enumerations and tables: get_FOO_display() rebuilds its choices on every call.
    @property
    def topic_label(self) -> str:
        return str(Topic(self.topic).label)

    @property
    def province_name(self) -> str:
        province = provinces.BY_CODE.get(self.province)
        return province.name if province else ""


class HelpfulMark(models.Model):
    """ "This helped me": one per member and practice."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="helpful_marks")
    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["practice", "user"], name="learning_one_mark_per_user")]


class Comment(models.Model):
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("comment"), max_length=4000)
    created_at = models.DateTimeField(default=timezone.now)
    hidden = models.BooleanField(_("hidden by a coordinator"), default=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at", "id"]


class TopicFollow(models.Model):
    """A member follows a topic: told of each practice published in it."""

    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    topic = models.CharField(max_length=32, choices=Topic.choices)

    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "topic"], name="learning_one_follow_per_topic")]
        indexes = [models.Index(fields=["topic"], name="learning_follow_topic_idx")]


class Document(Reviewed):
    """A file of the document library. The file sits in the ``documents`` storage under a random name."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=2000)
    kind = models.CharField(_("kind of document"), max_length=16, choices=DocumentKind.choices)
    topic = models.CharField(_("topic"), max_length=32, choices=Topic.choices, blank=True)
    stored_name = models.CharField(max_length=100, unique=True, editable=False)
    original_name = models.CharField(_("file name"), max_length=200)
    file_type = models.CharField(_("file type"), max_length=8)  # learning.files.Kind code, from the content
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    # Who last changed what describes it: they may not be the one who shares it again (four eyes).
    edited_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("last edited by")
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-published_at", "-created_at", "-id"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        indexes = [
            models.Index(fields=["status", "-published_at", "-id"], name="learning_document_list_idx"),
            models.Index(fields=["organisation", "status"], name="learning_document_org_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def reference(self) -> str:
        return f"DOK-{self.pk.hex[:8].upper()}"

    @property
    def kind_label(self) -> str:
        return str(DocumentKind(self.kind).label)


class Recommendation(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    title = models.CharField(_("title"), max_length=200)
    problem = models.TextField(_("the problem"), help_text=_("Markdown."))
    recommendation = models.TextField(_("the recommendation"), help_text=_("Markdown."))
    institution = models.CharField(_("addressed to"), max_length=16, choices=Institution.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=RecommendationStatus.choices, default=RecommendationStatus.DRAFT
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("drafted by")
    )
    author = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)
    opened_at = models.DateTimeField(_("opened for endorsement"), null=True, blank=True)
    submitted_on = models.DateField(_("submitted on"), null=True, blank=True)
    submitted_to = models.CharField(_("submitted to"), max_length=200, blank=True)
    submitted_how = models.CharField(_("how"), max_length=16, choices=SubmissionChannel.choices, blank=True)
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    answer = models.TextField(_("the answer"), blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = _("policy recommendation")
        verbose_name_plural = _("policy recommendations")
        indexes = [models.Index(fields=["status", "-updated_at"], name="learning_recommendation_idx")]

    def __str__(self) -> str:
        return self.title

    @property
    def reference(self) -> str:
        return f"REK-{self.pk.hex[:8].upper()}"

    @property
    def status_label(self) -> str:
        return str(RecommendationStatus(self.status).label)

    @property
    def institution_label(self) -> str:
        return str(Institution(self.institution).label)


class Evidence(models.Model):
    """What a recommendation rests on. A cited report figure is stored as (report id, key) with a frozen copy of the
    label and the value as published (already under the disclosure rule), so the brief never recomputes it."""

    recommendation = models.ForeignKey(Recommendation, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(max_length=16, choices=EvidenceKind.choices)
    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    source_id = models.CharField(max_length=64, blank=True)  # a network QuarterlyReport or Challenge id
    key = models.CharField(max_length=120, blank=True)  # the figure's stable key in its report
    frozen_label = models.CharField(max_length=300, blank=True)
    frozen_value = models.CharField(max_length=64, blank=True)
    frozen_source = models.CharField(max_length=200, blank=True)  # e.g. the report's period
    added_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["kind", "added_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recommendation", "practice"],
                condition=models.Q(kind="practice"),
                name="learning_evidence_practice_once",
            ),
            models.UniqueConstraint(
                fields=["recommendation", "kind", "source_id", "key"],
                condition=~models.Q(kind="practice"),
                name="learning_evidence_source_once",
            ),
        ]


class Endorsement(models.Model):
    """One organisation supports a recommendation, given by one of its members."""

    recommendation = models.ForeignKey(Recommendation, on_delete=models.CASCADE, related_name="endorsements")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    given_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["recommendation", "organisation"], name="learning_one_endorsement_per_org")
        ]


class LearningEvent(models.Model):
    """A meeting of the forum, and what came out of it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    title = models.CharField(_("title"), max_length=200)
    date = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200)
    province = models.CharField(_("province"), max_length=2, choices=provinces.CHOICES, blank=True)
    agenda = models.TextField(_("agenda"), blank=True, help_text=_("Markdown."))
    organisations = models.ManyToManyField(Organisation, blank=True, related_name="+")
    practices = models.ManyToManyField(Practice, blank=True, related_name="events")
    recommendations = models.ManyToManyField(Recommendation, blank=True, related_name="events")
    # Approved challenges of the network's register that came out of the meeting. Learning may import network (it is
    # below); network never reads this link itself: it asks through network.hooks.challenge_origins, which learning
    # fills, so that the register can show the events a challenge came out of.
    challenges = models.ManyToManyField(Challenge, blank=True, related_name="+", verbose_name=_("challenges"))
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords(m2m_fields=[organisations, practices, recommendations, challenges])

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("learning event")
        verbose_name_plural = _("learning events")

    def __str__(self) -> str:
        return self.title

    @property
    def reference(self) -> str:
        return f"FOR-{self.pk.hex[:8].upper()}"
