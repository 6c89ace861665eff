"""What the network learns from itself: precomputed counts, challenges, posted needs, capacity, quarterly reports.

``Aggregate`` rows hold *raw* counts and never leave the server as they are: every page and export passes them
through network/disclosure.py. They are rebuilt whole by the refresh (network/services.py), from categorical columns
of statistics-consented cases only, so pages read a few small rows whatever the size of the network.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.choices import ServiceType
from accounts.models import Organisation
from core import provinces


class Aggregate(models.Model):
    """One raw count: ``table`` names what is counted, ``row``/``col`` its categories ("*" is a total)."""

    period = models.CharField(max_length=7)
    table = models.CharField(max_length=32)
    row = models.CharField(max_length=40)
    col = models.CharField(max_length=40, default="*")
    count = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["period", "table", "row", "col"], name="network_aggregate_unique")
        ]
        indexes = [models.Index(fields=["table", "period"])]


class RefreshRun(models.Model):
    """One rebuild of the aggregates: queued by a coordinator or by the nightly beat."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Refreshing")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    state = models.CharField(max_length=16, choices=State.choices, default=State.QUEUED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    cases_counted = models.PositiveIntegerField(default=0)
    error = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]


class ChallengeCategory(models.TextChoices):
    OFFICIALS_INVOLVED = "officials_involved", _("Officials involved in or protecting perpetrators")
    REGULATION = "regulation", _("Overlapping or missing regulation")
    WEAK_ENFORCEMENT = "weak_enforcement", _("Weak law enforcement")
    NO_SHELTER = "no_shelter", _("No shelter capacity")
    CIVIL_DOCUMENTS = "civil_documents", _("Civil documents")
    REPATRIATION_COSTS = "repatriation_costs", _("Repatriation costs")
    RESTITUTION_UNPAID = "restitution_unpaid", _("Restitution ordered but unpaid")
    ONLINE_RECRUITMENT = "online_recruitment", _("Online recruitment")
    DEBT_BONDAGE = "debt_bondage", _("Debt bondage through agents")
    STIGMA = "stigma", _("Stigma at reintegration")
    OTHER = "other", _("Other")


class ModerationState(models.TextChoices):
    PENDING = "pending", _("Awaiting moderation")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class Challenge(models.Model):
    """A challenge met in the field, reported by an organisation, without personal data."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    category = models.CharField(_("category"), max_length=32, choices=ChallengeCategory.choices)
    province = models.CharField(_("province"), max_length=2, choices=provinces.CHOICES)
    period = models.CharField(_("period"), max_length=7)
    description = models.TextField(_("short description"), max_length=600)
    named = models.BooleanField(_("name my organisation"), default=False)
    state = models.CharField(max_length=16, choices=ModerationState.choices, default=ModerationState.PENDING)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    moderated_at = models.DateTimeField(null=True, blank=True)
    moderation_reason = models.CharField(_("reason"), max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("challenge")
        verbose_name_plural = _("challenges")
        indexes = [models.Index(fields=["state", "period"])]


class NeedUrgency(models.TextChoices):
    HIGH = "high", _("Urgent")
    MEDIUM = "medium", _("Soon")
    LOW = "low", _("When possible")


class PostedNeed(models.Model):
    """A need a member posts for the network (no personal data), moderated, expiring by itself."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    posted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    service = models.CharField(_("service"), max_length=32, choices=ServiceType.choices)
    province = models.CharField(_("province"), max_length=2, choices=provinces.CHOICES)
    urgency = models.CharField(_("urgency"), max_length=8, choices=NeedUrgency.choices)
    expires_on = models.DateField(_("expires on"))
    text = models.TextField(_("short text"), max_length=600)
    state = models.CharField(max_length=16, choices=ModerationState.choices, default=ModerationState.PENDING)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    moderated_at = models.DateTimeField(null=True, blank=True)
    moderation_reason = models.CharField(_("reason"), max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("posted need")
        verbose_name_plural = _("posted needs")

    @property
    def reference(self) -> str:
        return f"NEED-{str(self.pk)[:8].upper()}"

    def is_expired(self, today: object = None) -> bool:
        return self.expires_on < (today or timezone.localdate())  # type: ignore[operator]


class NeedOffer(models.Model):
    """Another organisation's "we can help" on a posted need."""

    need = models.ForeignKey(PostedNeed, on_delete=models.CASCADE, related_name="offers")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    offered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["need", "organisation"], name="network_one_offer_per_org")]


class CapacityLevel(models.TextChoices):
    AVAILABLE = "available", _("Available")
    LIMITED = "limited", _("Limited")
    FULL = "full", _("Full")


class CapacityStatus(models.Model):
    """How much of one service an organisation can take on now."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="capacity")
    service = models.CharField(_("service"), max_length=32, choices=ServiceType.choices)
    level = models.CharField(_("capacity"), max_length=16, choices=CapacityLevel.choices)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation", "service"], name="network_capacity_unique")]


class QuarterlyReport(models.Model):
    """A frozen snapshot of a closed quarter's shown figures. Immutable once frozen, apart from its release."""

    class Status(models.TextChoices):
        FROZEN = "frozen", _("Frozen, awaiting release")
        RELEASED = "released", _("Released")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    period = models.CharField(_("period"), max_length=7, unique=True)
    frozen_at = models.DateTimeField(default=timezone.now)
    frozen_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    k = models.PositiveSmallIntegerField()
    rounding = models.PositiveSmallIntegerField()
    figures = models.JSONField()
    content_hash = models.CharField(max_length=64)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.FROZEN)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    released_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-period"]
        verbose_name = _("quarterly report")
        verbose_name_plural = _("quarterly reports")

    @property
    def reference(self) -> str:
        return f"REPORT-{self.period}"
