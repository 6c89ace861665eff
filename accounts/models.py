"""Users, organisations, memberships, the access log, notifications and the reminder outbox."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth.models import AbstractUser, Group
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts import provinces
from accounts.choices import OrganisationKind, Role, ServiceType
from accounts.fields import MultiChoiceField


class User(AbstractUser):
    """A person who signs in. What they may do comes from their membership, never from Django's global flags."""

    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default="id")

    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    if TYPE_CHECKING:
        # Set on request.user by django-otp's middleware.
        def is_verified(self) -> bool: ...

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(
                Lower("email"), condition=~models.Q(email=""), name="accounts_user_email_unique_ci"
            ),
        ]

    @property
    def active_membership(self) -> Membership | None:
        try:
            membership = self.membership
        except Membership.DoesNotExist:
            return None
        return membership if membership.is_active else None

    @property
    def role(self) -> str | None:
        membership = self.active_membership
        return membership.role if membership else None

    @property
    def organisation(self) -> Organisation | None:
        membership = self.active_membership
        return membership.organisation if membership else None

    @property
    def is_caseworker(self) -> bool:
        return self.role == Role.CASEWORKER

    @property
    def is_coordinator(self) -> bool:
        return self.role == Role.COORDINATOR

    @property
    def is_network_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def two_factor_required(self) -> bool:
        return self.role in settings.TWO_FACTOR_REQUIRED_ROLES


code_validator = RegexValidator(r"^[A-Z]{2,6}$", _("Use 2 to 6 capital letters, for example YKT."))


class Organisation(models.Model):
    """A member organisation of the network. Its group carries the object-level grants on its cases."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    code = models.CharField(
        _("short code"),
        max_length=6,
        unique=True,
        validators=[code_validator],
        help_text=_("Used in case references, for example YKT-2026-0007."),
    )
    kind = models.CharField(_("kind"), max_length=32, choices=OrganisationKind.choices)
    province = models.CharField(_("province"), max_length=2, choices=provinces.CHOICES)
    services: MultiChoiceField = MultiChoiceField(_("services offered"), options=ServiceType.choices)
    is_active = models.BooleanField(_("active"), default=True)
    group = models.OneToOneField(Group, on_delete=models.PROTECT, related_name="organisation", editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Membership(models.Model):
    """One organisation and one role per user. Only active caseworkers sit in their organisation's group."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="membership", verbose_name=_("user"))
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("organisation")
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    is_active = models.BooleanField(_("active"), default=True)
    may_override_consent = models.BooleanField(
        _("may refer without consent"),
        default=False,
        help_text=_(
            "A supervising caseworker who may send a referral without the person's consent to sharing, recording why "
            "(for example to protect their life). Every such referral is flagged to coordinators."
        ),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        indexes = [models.Index(fields=["organisation", "role"])]

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.organisation_id} ({self.role})"


class AccessLog(models.Model):
    """Append-only record of who reached what. It holds references and codes, never personal data."""

    class Event(models.TextChoices):
        SIGNED_IN = "signed_in", _("Signed in")
        SIGNED_OUT = "signed_out", _("Signed out")
        SIGN_IN_FAILED = "sign_in_failed", _("Sign-in failed")
        CASE_VIEWED = "case_viewed", _("Case viewed")
        FIELD_REVEALED = "field_revealed", _("Sensitive field revealed")
        SEARCHED = "searched", _("Search made")
        EXPORTED = "exported", _("List exported")
        ACCESS_DENIED = "access_denied", _("Access denied")
        DUPLICATE_CHECKED = "duplicate_checked", _("Duplicate check made")
        NETWORK_VIEWED = "network_viewed", _("Network page viewed")
        REPORT_EXPORTED = "report_exported", _("Network figures exported")
        REPORT_FROZEN = "report_frozen", _("Quarterly report frozen")
        REPORT_RELEASED = "report_released", _("Quarterly report released")

    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    event = models.CharField(_("event"), max_length=32, choices=Event.choices)
    actor = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("user")
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation"),
    )
    object_type = models.CharField(_("object type"), max_length=32, blank=True)
    object_id = models.UUIDField(_("object id"), null=True, blank=True)
    object_ref = models.CharField(_("reference"), max_length=40, blank=True)
    detail = models.CharField(_("detail"), max_length=200, blank=True)
    ip_address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    prev_hash = models.CharField(max_length=64, blank=True, editable=False)
    hash = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        indexes = [
            models.Index(fields=["object_type", "object_id", "at"]),
            models.Index(fields=["actor", "at"]),
            models.Index(fields=["event", "at"]),
            models.Index(fields=["object_ref", "id"], name="accounts_accesslog_ref_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.event} {self.object_ref}"


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
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="accounts_notification_pref_unique")]


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
        constraints = [models.UniqueConstraint(fields=["kind", "dedupe_key"], name="accounts_reminder_once")]
        indexes = [
            models.Index(fields=["due_at"], condition=models.Q(state="pending"), name="accounts_reminder_due"),
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
        constraints = [models.UniqueConstraint(fields=["reminder", "recipient"], name="accounts_delivery_once")]
        indexes = [
            models.Index(
                fields=["email_next_attempt_at"], condition=models.Q(email_state="pending"), name="accounts_email_due"
            )
        ]


class AuditFlag(models.Model):
    """Something in the access log worth a look. It points at the entries behind it (one user, a time window)."""

    class Kind(models.TextChoices):
        MANY_CASES = "many_cases", _("Many cases opened in an hour")
        OUTSIDE_HOURS = "outside_hours", _("Access outside working hours")
        EXPORT = "export", _("List exported")
        DENIALS = "denials", _("Repeated access denials")
        NEW_ADDRESS = "new_address", _("Sign-in from a new address")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    actor = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name=_("user"))
    window_start = models.DateTimeField(_("from"))
    window_end = models.DateTimeField(_("to"))
    count = models.PositiveIntegerField(_("entries"), default=1)
    dedupe_key = models.CharField(max_length=120, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    reviewed_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("audit flag")
        verbose_name_plural = _("audit flags")

    def __str__(self) -> str:
        return f"{self.kind} {self.actor_id} {self.window_start:%Y-%m-%d %H:%M}"


class AuditScanState(models.Model):
    """How far the flag scan has read the access log (a single row)."""

    last_entry_id = models.BigIntegerField(default=0)


class AccessLogVerification(models.Model):
    """The result of one walk of the access log's hash chain."""

    run_at = models.DateTimeField(default=timezone.now)
    run_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    entries_verified = models.PositiveBigIntegerField(default=0)
    first_broken_id = models.BigIntegerField(null=True, blank=True)
    # The anchor for the next run: the last entry verified and its hash. An entry that later disappears or changes
    # (even by TRUNCATE, which row triggers do not see) breaks the chain at the anchor.
    last_entry_id = models.BigIntegerField(null=True, blank=True)
    last_hash = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-run_at", "-id"]

    @property
    def ok(self) -> bool:
        return self.first_broken_id is None
