"""The access log (append-only, hash-chained), its verification runs, and the flags raised from it."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

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
        ATTACHMENT_UPLOADED = "attachment_uploaded", _("Attachment uploaded")
        ATTACHMENT_DOWNLOADED = "attachment_downloaded", _("Attachment downloaded")
        ATTACHMENT_DELETED = "attachment_deleted", _("Attachment deleted")
        CASE_PRINTED = "case_printed", _("Case opened for printing")
        RIGHTS_REQUESTED = "rights_requested", _("Rights request made")
        RIGHTS_APPROVED = "rights_approved", _("Rights request approved")
        RIGHTS_REJECTED = "rights_rejected", _("Rights request rejected")
        EXPORT_VIEWED = "export_viewed", _("Subject access export opened")
        EXPORT_DOWNLOADED = "export_downloaded", _("Subject access export downloaded")
        CASE_ERASED = "case_erased", _("Case erased")
        BREACH_RECORDED = "breach_recorded", _("Breach recorded")
        # Account actions by an admin (the actor) on another user's account (the object), and commands.
        PASSWORD_RESET_SENT = "password_reset_sent", _("Password reset link sent by an admin")
        TWO_FACTOR_RESET = "two_factor_reset", _("Two-factor sign-in reset by an admin")
        ACCOUNT_DEACTIVATED = "account_deactivated", _("Account deactivated by an admin")
        EMAIL_CHANGED = "email_changed", _("Account email changed")
        ACCOUNT_COMMAND = "account_command", _("Account changed by a server command")
        DOCUMENT_DOWNLOADED = "document_downloaded", _("Document downloaded")
        BRIEF_EXPORTED = "brief_exported", _("Brief exported")
        NETWORK_VIEWED = "network_viewed", _("Network page viewed")
        REPORT_EXPORTED = "report_exported", _("Network figures exported")
        REPORT_FROZEN = "report_frozen", _("Quarterly report frozen")
        REPORT_RELEASED = "report_released", _("Quarterly report released")

    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    event = models.CharField(_("event"), max_length=32, choices=Event.choices)
    actor = models.ForeignKey(  # no index of its own: the (actor, at) and (actor, event, at) indexes begin with it
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("user"), db_index=False
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
    # The log is many chains, a few per organisation (0: entries of no organisation; audit.chain.chain_of),
    # so that writers of different organisations never wait on each other and writers of one seldom do; each
    # entry is the next ``seq`` of its chain, keyed (HMAC-SHA256 under JEJARING_LOG_KEY) over its content and its
    # predecessor's hash. Signed anchors tie the chains' heads together.
    chain = models.BigIntegerField(default=0, editable=False)
    seq = models.PositiveBigIntegerField(default=0, editable=False)
    prev_hash = models.CharField(max_length=64, blank=True, editable=False)
    hash = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        constraints = [models.UniqueConstraint(fields=["chain", "seq"], name="audit_accesslog_chain_seq")]
        indexes = [
            models.Index(fields=["object_type", "object_id", "at"]),
            models.Index(fields=["actor", "at"]),
            # A user's entries of one kind, newest first (the home's recently opened cases): index-only on PostgreSQL.
            models.Index(
                fields=["actor", "event", "at"],
                include=["object_type", "object_id"],
                name="audit_accesslog_actor_event",
            ),
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
        MANY_SEARCHES = "many_searches", _("Many identity searches in a short time")
        MANY_REVEALS = "many_reveals", _("Many identity fields revealed in a short time")
        EMPTY_SEARCHES = "empty_searches", _("Many searches that found nothing")
        NEW_MEMBER = "new_member", _("Cases read soon after joining an organisation")
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

    @property
    def explanation(self) -> str:
        from audit.flags import EXPLANATIONS  # the lookup flags explain themselves beside their rules

        if self.kind not in AuditFlag.Kind.values:
            return ""
        kind = AuditFlag.Kind(self.kind)
        return str(FLAG_EXPLANATIONS.get(kind) or EXPLANATIONS.get(kind) or "")


# What each flag means, for the admins' flags page.
FLAG_EXPLANATIONS = {
    AuditFlag.Kind.MANY_CASES: _(
        "One person opened more different cases within an hour than their work usually needs: someone may be "
        "browsing, or copying files."
    ),
    AuditFlag.Kind.OUTSIDE_HOURS: _(
        "Cases were used outside working hours. It may be an emergency; it may also be someone using a stolen "
        "account when nobody watches."
    ),
    AuditFlag.Kind.EXPORT: _("A list was exported: it left the application. Check that it was needed."),
    AuditFlag.Kind.DENIALS: _(
        "One person was refused access several times within an hour: they may be trying cases they have no right to."
    ),
    AuditFlag.Kind.NEW_ADDRESS: _(
        "A sign-in came from an address this account had not used before: a new place, or someone else."
    ),
    AuditFlag.Kind.MANY_SEARCHES: _(
        "One person searched for identities many times within an hour: someone may be looking for a particular "
        "person, or mapping who is in the network's care."
    ),
    AuditFlag.Kind.MANY_REVEALS: _(
        "One person revealed many identity numbers or addresses within an hour, more than casework usually needs."
    ),
    AuditFlag.Kind.EMPTY_SEARCHES: _(
        "Many searches found nothing: someone may be trying numbers or names to find out whether a person is "
        "known to the network."
    ),
    AuditFlag.Kind.NEW_MEMBER: _(
        "Cases were read within a day of joining the organisation. Usually a new colleague starting work; check "
        "that the membership was intended, since a new membership is also how an outsider would get in."
    ),
}


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
    # What was found wrong, in words for the operators (no personal data: entry ids, chain ids, anchor ids).
    problem = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-run_at", "-id"]

    @property
    def ok(self) -> bool:
        return self.first_broken_id is None


class Breach(models.Model):
    """A suspected personal data breach (UU 27/2022 art. 46): the people concerned and the authority must be told
    within 3 x 24 hours of its discovery. Admins record it, the deadline is counted down and reminded through the
    outbox, and each notification made is recorded."""

    what = models.TextField(_("what happened"), help_text=_("Describe the incident without naming any person."))
    discovered_at = models.DateTimeField(_("discovered at"))
    organisations = models.ManyToManyField(Organisation, related_name="+", verbose_name=_("organisations affected"))
    cases_affected = models.PositiveIntegerField(_("number of cases affected"), default=0)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-discovered_at", "-id"]
        verbose_name = _("breach")
        verbose_name_plural = _("breaches")

    def __str__(self) -> str:
        return f"breach-{self.pk}"

    @property
    def reference(self) -> str:
        return f"BR-{self.pk:04d}"

    @property
    def deadline(self):
        from datetime import timedelta

        from django.conf import settings

        return self.discovered_at + timedelta(hours=settings.JEJARING_BREACH_DEADLINE_HOURS)


class BreachNotification(models.Model):
    """One notification made about a breach: to whom, when, how."""

    class Recipient(models.TextChoices):
        AUTHORITY = "authority", _("The data protection authority")
        PERSONS = "persons", _("The people concerned")
        ORGANISATIONS = "organisations", _("The organisations affected")

    breach = models.ForeignKey(Breach, on_delete=models.PROTECT, related_name="notifications")
    recipient = models.CharField(_("told"), max_length=16, choices=Recipient.choices)
    notified_at = models.DateTimeField(_("when"))
    how = models.CharField(_("how"), max_length=200)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["notified_at", "id"]


class AccessLogAnchor(models.Model):
    """A signed checkpoint of the access log: the head (seq and hash) of every chain at one moment, HMAC-signed
    under JEJARING_LOG_KEY and chained to the previous anchor. Each is also written to the application log (one line a
    log shipper keeps) and appended to JEJARING_LOG_ANCHOR_FILE (which the backups keep), so that a truncated tail,
    a rewritten tail or deleted anchors are found by comparing them. Append-only like the log."""

    at = models.DateTimeField(default=timezone.now)
    heads = models.JSONField(default=dict)  # {"<chain>": [seq, hash]}
    prev_signature = models.CharField(max_length=64, blank=True)
    signature = models.CharField(max_length=64)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"anchor {self.pk} {self.at:%Y-%m-%d %H:%M}"
