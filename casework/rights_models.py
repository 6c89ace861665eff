"""Models of attachments and of the person's rights (UU 27/2022), part of casework's models (imported at the end of
casework/models.py, so that ``from casework.models import Attachment`` keeps working)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from casework.models import Case, Section

ATTACHMENT_SECTIONS = [s for s in Section if s != Section.SUMMARY]


class Attachment(models.Model):
    """A document of a case, stored encrypted in chunks under the case's data key (see casework/attachments.py).
    Its name and description are ciphertext too; the size, detected type and section identify no one."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    section = models.CharField(
        _("part of the case"),
        max_length=16,
        choices=[(s.value, s.label) for s in ATTACHMENT_SECTIONS],
        default=Section.NOTES,
    )
    name_enc = models.TextField(editable=False)
    description_enc = models.TextField(blank=True, editable=False)
    size = models.PositiveBigIntegerField(_("size"))
    content_type = models.CharField(_("type"), max_length=100)
    chunk_count = models.PositiveIntegerField(default=0)
    storage_name = models.CharField(max_length=80, unique=True, editable=False)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)
    deleted_at = models.DateTimeField(_("deleted"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        indexes = [models.Index(fields=["case", "deleted_at"])]


class RightsRequest(models.Model):
    """A request under the person's rights (UU 27/2022): a subject access export or an erasure. Requested by one
    caseworker of the owner organisation, approved by a second one (never the same person)."""

    class Kind(models.TextChoices):
        EXPORT = "export", _("Subject access export")
        ERASURE = "erasure", _("Erasure")

    class State(models.TextChoices):
        REQUESTED = "requested", _("Awaiting approval")
        APPROVED = "approved", _("Approved")
        DONE = "done", _("Carried out")
        REJECTED = "rejected", _("Rejected")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="rights_requests")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.REQUESTED)
    # Encrypted with the case's key: the reason may describe the person.
    reason_enc = models.TextField(blank=True, editable=False)
    batch = models.UUIDField(null=True, blank=True, db_index=True, editable=False)  # proposed together (retention)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    expires_at = models.DateTimeField(_("available until"), null=True, blank=True)
    # A second member may reject the request instead (never its requester); it is then closed.
    rejected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    rejected_at = models.DateTimeField(_("rejected"), null=True, blank=True)
    rejection_enc = models.TextField(blank=True, editable=False)  # the reason, under the case's key

    history = HistoricalRecords()

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("rights request")
        verbose_name_plural = _("rights requests")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(approved_by__isnull=True) | ~models.Q(approved_by=models.F("requested_by")),
                name="casework_rights_four_eyes",
            ),
            models.CheckConstraint(
                condition=models.Q(rejected_by__isnull=True) | ~models.Q(rejected_by=models.F("requested_by")),
                name="casework_rights_four_eyes_reject",
            ),
        ]

    @property
    def is_available(self) -> bool:
        return (
            self.kind == self.Kind.EXPORT
            and self.state == self.State.APPROVED
            and self.expires_at is not None
            and timezone.now() < self.expires_at
        )
