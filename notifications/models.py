"""The in-app inbox (notifications and email preferences) and the reminder outbox (reminders and their deliveries)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User


class Notification(models.Model):
    """An in-app message to one user. It stores a kind and non-personal parameters (a reference, a date), and is
    rendered in the reader's language when shown."""

    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=64)
    object_type = models.CharField(max_length=32, blank=True)
    object_id = models.UUIDField(null=True, blank=True)
    object_ref = models.CharField(max_length=40, blank=True)
    params = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "read_at"]),
            models.Index(fields=["recipient", "-created_at"]),
            models.Index(fields=["object_id", "kind"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_ref}"


class NotificationPreference(models.Model):
    """A user's choice not to receive email for one kind of notification (the in-app notice always stays)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notification_preferences")
    kind = models.CharField(max_length=64)
    email = models.BooleanField(default=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="notifications_pref_unique")]


class Reminder(models.Model):
    """The outbox: something to tell people at a time. Rows, not delayed broker messages, so that a reminder
    survives a broker restart and is delivered once. Rules registered by each app say who receives it."""

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        CANCELLED = "cancelled", _("Cancelled")

    kind = models.CharField(max_length=64)
    due_at = models.DateTimeField()
    object_type = models.CharField(max_length=32, blank=True)
    object_id = models.UUIDField(null=True, blank=True)
    object_ref = models.CharField(max_length=40, blank=True)
    params = models.JSONField(default=dict, blank=True)
    dedupe_key = models.CharField(max_length=120)
    state = models.CharField(max_length=16, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "dedupe_key"], name="notifications_reminder_once")]
        indexes = [
            models.Index(fields=["due_at"], condition=models.Q(state="pending"), name="notifications_reminder_due"),
            models.Index(fields=["object_id", "kind", "state"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_ref} {self.state}"


class Delivery(models.Model):
    """One reminder delivered to one person: the in-app notification, then the email. The unique constraint on
    (reminder, recipient) makes a second delivery impossible; a failed email is retried here, with backoff, without
    repeating the notification."""

    class EmailState(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        SKIPPED = "skipped", _("Not wanted")
        FAILED = "failed", _("Failed")

    reminder = models.ForeignKey(Reminder, on_delete=models.CASCADE, related_name="deliveries")
    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    notification = models.OneToOneField(Notification, on_delete=models.CASCADE, related_name="delivery")
    email_state = models.CharField(max_length=16, choices=EmailState.choices, default=EmailState.PENDING)
    email_attempts = models.PositiveSmallIntegerField(default=0)
    email_next_attempt_at = models.DateTimeField(default=timezone.now)
    email_last_error = models.CharField(max_length=200, blank=True)
    email_sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["reminder", "recipient"], name="notifications_delivery_once")]
        indexes = [
            models.Index(
                fields=["email_next_attempt_at"],
                condition=models.Q(email_state="pending"),
                name="notifications_email_due",
            )
        ]
