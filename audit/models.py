"""The access log (append-only, hash-chained), its verification runs, and the flags raised from it."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation, User


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
        DOCUMENT_DOWNLOADED = "document_downloaded", _("Document downloaded")
        BRIEF_EXPORTED = "brief_exported", _("Brief exported")

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
            models.Index(fields=["object_ref", "id"], name="audit_accesslog_ref_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.event} {self.object_ref}"


class AuditFlag(models.Model):
    """Something in the access log worth a look. It points at the entries behind it (one user, a time window)."""

    class Kind(models.TextChoices):
        MANY_CASES = "many_cases", _("Many cases opened in an hour")
        OUTSIDE_HOURS = "outside_hours", _("Access outside working hours")
        EXPORT = "export", _("List exported")
        DENIALS = "denials", _("Repeated access denials")
        NEW_ADDRESS = "new_address", _("Sign-in from a new address")
        LOOKUP_LIMIT = "lookup_limit", _("Identity lookups past the hourly limit")
        EMPTY_PROBES = "empty_probes", _("Many identity lookups that matched nothing")

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
