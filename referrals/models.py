"""Referrals of a case from one member organisation to another, and their timeline.

A referral's reason, override reason and updates are encrypted with the case's data key: destroying the case's key
erases them too.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.choices import ServiceType
from accounts.models import Organisation
from casework.models import Case, Consent, Section
from core.fields import ChoiceLabels, MultiChoiceField
from referrals.choices import DeclineReason, EventKind, Outcome, ReferralStatus, Urgency

SHAREABLE = [(s.value, s.label) for s in Section if s != Section.SUMMARY]
# What a coordinator still has to watch (the queue's "open" referrals).
QUEUE_OPEN = [ReferralStatus.SENT, ReferralStatus.ACCEPTED, ReferralStatus.DECLINED]


def urgency_rank() -> models.Case:
    """Most urgent first: emergency 0, urgent 1, routine 2. The coordinators' queue sorts by it, then by the time sent;
    its indexes are on the same expression, so that a page of the queue reads 25 rows instead of sorting them all."""
    return models.Case(
        models.When(urgency=Urgency.EMERGENCY, then=models.Value(0)),
        models.When(urgency=Urgency.URGENT, then=models.Value(1)),
        default=models.Value(2),
        output_field=models.IntegerField(),
    )


# The lazy labels by value (an enumeration's lookup by value, then its label, cost more per row than the rest of it).
STATUS_LABELS = dict(ReferralStatus.choices)
URGENCY_LABELS = dict(Urgency.choices)


class ReferralReadings:
    """What a referral says of its time and in words, from its status, urgency, deadline and times: for the model and
    for the rows the referral lists read without it (referrals/inbox.py, referrals/queue.py) alike. ``waited`` needs
    ``answered_at`` too."""

    __slots__ = ()

    @property
    def is_overdue(self: Any) -> bool:
        return self.overdue_at(timezone.now())

    def overdue_at(self: Any, now: datetime) -> bool:
        """Still awaiting an answer after its deadline, at ``now`` (a list reads the time once for every row)."""
        return self.status == ReferralStatus.SENT and now > self.deadline

    # Labels straight from the enumerations: Django's get_FOO_display() rebuilds a hashable copy of the choices on
    # every call (each lazy label translated to hash it), which dominated long lists.
    @property
    def status_label(self: Any) -> str:
        return str(STATUS_LABELS[self.status])

    @property
    def urgency_label(self: Any) -> str:
        return str(URGENCY_LABELS[self.urgency])

    @property
    def waited(self: Any) -> timedelta:
        end = self.answered_at or timezone.now()
        return end - self.sent_at

    @property
    def allowed_time(self: Any) -> timedelta:
        return self.deadline - self.sent_at


class Referral(ChoiceLabels, ReferralReadings, models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    reference = models.CharField(_("reference"), max_length=32, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="referrals")
    # No index of their own: the composite indexes below begin with them.
    from_org = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="referrals_sent", verbose_name=_("from"), db_index=False
    )
    to_org = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="referrals_received",
        verbose_name=_("to"),
        db_index=False,
    )
    services = MultiChoiceField(_("services requested"), options=ServiceType.choices, blank=False)
    urgency = models.CharField(_("urgency"), max_length=16, choices=Urgency.choices)
    deadline = models.DateTimeField(_("answer expected by"))
    reason_enc = models.TextField(editable=False)
    consent = models.ForeignKey(
        Consent, on_delete=models.PROTECT, null=True, blank=True, related_name="referrals", verbose_name=_("consent")
    )
    consent_override = models.BooleanField(_("sent without the person's consent"), default=False)
    override_reason_enc = models.TextField(blank=True, editable=False)
    sections = MultiChoiceField(_("sections shared"), options=SHAREABLE)
    status = models.CharField(_("status"), max_length=16, choices=ReferralStatus.choices, default=ReferralStatus.SENT)
    decline_reason = models.CharField(
        _("reason for declining"), max_length=32, choices=DeclineReason.choices, blank=True
    )
    outcome = models.CharField(_("outcome"), max_length=32, choices=Outcome.choices, blank=True)
    reassigned_from = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="reassigned_to", editable=False
    )
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    last_update_at = models.DateTimeField(_("last update"), default=timezone.now)

    # Historical rows are read by the record's id (and a case's or referral's), by date and by user, never by the
    # other columns the record indexes: each index of those would only cost every write (core.rows).
    history = HistoricalRecords(
        no_db_index=["reference", "case", "from_org", "to_org", "consent", "sent_by", "reassigned_from"]
    )

    class Meta:
        ordering = ["-sent_at", "-id"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        indexes = [
            models.Index(fields=["status", "deadline"]),
            models.Index(fields=["to_org", "status", "-sent_at"]),
            # What awaits an organisation's answer, the nearest deadline first (the inbox, the home panel): read in
            # its order from the organisation's own entries, and counted from them alone.
            models.Index(fields=["to_org", "status", "deadline", "id"], name="referrals_incoming_idx"),
            models.Index(fields=["from_org", "-sent_at"]),
            models.Index(fields=["-sent_at", "-id"]),
            # The coordinators' queue filtered by status (overdue: sent) walks this in the order it shows.
            models.Index(fields=["status", "-sent_at", "-id"], name="referrals_status_sent_idx"),
            # The queue in its default order (urgency, then the longest waiting): the open referrals, and those
            # awaiting an answer (the overdue ones are among them).
            models.Index(
                urgency_rank(),
                models.F("sent_at"),
                models.F("id"),
                name="referrals_queue_open_idx",
                condition=models.Q(status__in=QUEUE_OPEN),
            ),
            models.Index(
                urgency_rank(),
                models.F("sent_at"),
                models.F("id"),
                name="referrals_queue_sent_idx",
                condition=models.Q(status=ReferralStatus.SENT),
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.status in (ReferralStatus.SENT, ReferralStatus.ACCEPTED)

    def sections_labels(self) -> list[str]:
        return Referral._meta.get_field("sections").labels(self.sections)


class ReferralEvent(ChoiceLabels, models.Model):
    """The timeline of a referral. An update's text is encrypted with the case's key."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=16, choices=EventKind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    note_enc = models.TextField(blank=True, editable=False)

    history = HistoricalRecords(no_db_index=["actor", "organisation"])  # read by referral, date and user

    class Meta:
        ordering = ["at", "id"]
