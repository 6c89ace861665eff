"""Cases, their encrypted sensitive data, notes, services, consents and follow-ups.

Sensitive values live only in ``*_enc`` columns as ciphertext bound to the case's data key (see casework/crypto.py
and casework/vault.py). Everything else on a case identifies no one: it is what coordinators' summaries, statistics
and the access log may use.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from simple_history.models import HistoricalRecords

if TYPE_CHECKING:
    from casework.access import CaseAccess

from accounts.choices import ServiceType
from accounts.models import Organisation
from casework.choices import (
    CHILD_BANDS,
    AgeBand,
    CaseStatus,
    ClosureReason,
    ConsentGivenBy,
    ConsentKind,
    DeterminedBy,
    ExploitationType,
    Gender,
    IntakeChannel,
    LabourSector,
    MeansOfControl,
    RecruiterRelationship,
    RecruitmentMethod,
    RiskLevel,
    ServiceStatus,
    TraffickingStatus,
)
from core import provinces
from core.fields import ChoiceLabels, MultiChoiceField
from core.geography import COUNTRY_CHOICES, validate_country, validate_regency


class Section(models.TextChoices):
    """The parts of a case that access is granted on. The summary identifies no one."""

    SUMMARY = "summary", _("Non-identifying summary")
    IDENTITY = "identity", _("Identity")
    CONTACT = "contact", _("Contact details")
    NARRATIVE = "narrative", _("Narrative")
    NEEDS = "needs", _("Needs")
    NOTES = "notes", _("Notes marked shareable")


# Encrypted columns of Case and the section each belongs to.
ENCRYPTED_SECTIONS = {
    "identity_enc": Section.IDENTITY,
    "contact_enc": Section.CONTACT,
    "narrative_enc": Section.NARRATIVE,
    "needs_enc": Section.NEEDS,
}


class Case(ChoiceLabels, models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    reference = models.CharField(_("reference"), max_length=20, unique=True, editable=False)
    owner = models.ForeignKey(  # no index of its own: the composite indexes below begin with it
        Organisation,
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("owner organisation"),
        db_index=False,
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_cases",
        verbose_name=_("assigned caseworker"),
    )
    status = models.CharField(_("status"), max_length=16, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    closure_reason = models.CharField(_("closure reason"), max_length=32, choices=ClosureReason.choices, blank=True)
    risk_level = models.CharField(_("risk level"), max_length=8, choices=RiskLevel.choices, default=RiskLevel.MEDIUM)
    intake_channel = models.CharField(
        _("how the case came in"), max_length=16, choices=IntakeChannel.choices, default=IntakeChannel.OTHER
    )
    intake_date = models.DateField(_("intake date"), default=timezone.localdate)

    trafficking_status = models.CharField(
        _("trafficking status"), max_length=16, choices=TraffickingStatus.choices, default=TraffickingStatus.POSSIBLE
    )
    determined_by = models.CharField(_("determined by"), max_length=32, choices=DeterminedBy.choices, blank=True)
    exploitation_types = MultiChoiceField(_("types of exploitation"), options=ExploitationType.choices)
    labour_sector = models.CharField(_("labour sector"), max_length=32, choices=LabourSector.choices, blank=True)
    means_of_control = MultiChoiceField(_("means of control"), options=MeansOfControl.choices)
    recruitment_method = models.CharField(
        _("recruitment method"), max_length=32, choices=RecruitmentMethod.choices, blank=True
    )
    recruiter_relationship = models.CharField(
        _("relationship to recruiter"), max_length=32, choices=RecruiterRelationship.choices, blank=True
    )

    origin_province = models.CharField(_("province of origin"), max_length=2, choices=provinces.CHOICES, blank=True)
    origin_regency = models.CharField(
        _("regency or city of origin"), max_length=5, blank=True, validators=[validate_regency]
    )
    transit_provinces = MultiChoiceField(_("transit provinces"), options=provinces.CHOICES)
    transit_countries = MultiChoiceField(_("transit countries"), options=COUNTRY_CHOICES)
    destination_country = models.CharField(
        _("destination country"), max_length=2, blank=True, validators=[validate_country]
    )
    destination_province = models.CharField(
        _("destination province (when domestic)"), max_length=2, choices=provinces.CHOICES, blank=True
    )

    gender = models.CharField(_("gender"), max_length=24, choices=Gender.choices, default=Gender.UNKNOWN)
    birth_year = models.PositiveSmallIntegerField(
        _("year of birth"), null=True, blank=True, validators=[MinValueValidator(1900), MaxValueValidator(2100)]
    )
    age_band = models.CharField(_("age band"), max_length=8, choices=AgeBand.choices, default=AgeBand.UNKNOWN)
    nationality = models.CharField(_("nationality"), max_length=2, default="ID", validators=[validate_country])

    next_follow_up = models.DateField(_("next follow-up"), null=True, blank=True, db_index=True)
    last_activity_at = models.DateTimeField(_("last activity"), default=timezone.now, db_index=True)
    is_restricted = models.BooleanField(
        _("restricted"),
        default=False,
        help_text=_("Only the named caseworkers of the organisation can open a restricted case."),
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    # Set when the person's data was erased (its data key destroyed): the reference and statistics fields stay.
    erased_at = models.DateTimeField(_("erased"), null=True, blank=True, editable=False)

    # Ciphertext only (see casework/vault.py). Empty means "nothing recorded".
    identity_enc = models.TextField(blank=True, editable=False)
    contact_enc = models.TextField(blank=True, editable=False)
    narrative_enc = models.TextField(blank=True, editable=False)
    needs_enc = models.TextField(blank=True, editable=False)

    created_at = models.DateTimeField(_("opened"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    # Historical rows are read by the record's id (and a case's or referral's), by date and by user, never by the
    # other columns the record indexes: each index of those would only cost every write (core.rows).
    history = HistoricalRecords(
        excluded_fields=["updated_at", "last_activity_at"],
        no_db_index=["reference", "next_follow_up", "owner", "assigned_to", "created_by"],
    )

    if TYPE_CHECKING:
        # Set by the access gate (selectors.get_case_for) on the case it returns.
        access: CaseAccess

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        default_permissions = ("view", "change")
        permissions = [
            ("view_case_summary", "Can view the non-identifying summary of a case"),
            ("view_case_identity", "Can view the identity of a referred case"),
            ("view_case_contact", "Can view the contact details of a referred case"),
            ("view_case_narrative", "Can view the narrative of a referred case"),
            ("view_case_needs", "Can view the needs of a referred case"),
            ("view_case_notes", "Can view the shareable notes of a referred case"),
        ]
        indexes = [
            models.Index(fields=["owner", "-created_at"]),
            models.Index(fields=["status", "next_follow_up"]),
            # An organisation's cases counted without reading them (the caseworker's home, access.own_visible):
            # index-only on PostgreSQL, a plain index on (owner, status) elsewhere.
            models.Index(
                fields=["owner", "status"],
                include=["id", "next_follow_up", "risk_level", "assigned_to", "is_restricted"],
                name="casework_case_owner_open",
            ),
            # An organisation's open high-risk cases, oldest first (the needs page's cases without a service:
            # selectors.high_risk_unserved), read from their own entries rather than from all the organisation's.
            models.Index(
                fields=["owner", "created_at"],
                include=["id", "reference", "is_restricted"],
                condition=models.Q(risk_level="high") & ~models.Q(status="closed"),
                name="casework_case_high_open",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_closed(self) -> bool:
        return self.status == CaseStatus.CLOSED

    @property
    def is_child(self) -> bool:
        if self.age_band in CHILD_BANDS:
            return True
        return self.birth_year is not None and timezone.localdate().year - self.birth_year < 18

    def exploitation_labels(self) -> list[str]:
        return Case._meta.get_field("exploitation_types").labels(self.exploitation_types)


class CaseKey(models.Model):
    """A case's data key, wrapped by a master key. Deliberately without history: a copy of the wrapped key in a
    history table would survive the key's destruction (erasure)."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, primary_key=True, related_name="key")
    wrapped = models.TextField(blank=True)
    master_key_id = models.CharField(max_length=12, db_index=True)
    created_at = models.DateTimeField(default=timezone.now)
    rotated_at = models.DateTimeField(null=True, blank=True)
    destroyed_at = models.DateTimeField(null=True, blank=True)


class CaseSequence(models.Model):
    """The last reference number used per organisation and year (YKT-2026-0007)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation", "year"], name="casework_sequence_unique")]


class BlindIndex(models.Model):
    """Searchable digests of identifiers. NIK, passport and phone digests are full length (network duplicate check);
    name digests are truncated, so that each matches many names."""

    class Kind(models.TextChoices):
        NIK = "nik", "NIK"
        PASSPORT = "passport", "passport"
        PHONE = "phone", "phone"
        NAME = "name", "name"

    # No index of its own: the unique (case, kind, digest) begins with it.
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="blind_indexes", db_index=False)
    # The case's owner, copied (a case never changes owner): a name's truncated digest is shared by thousands of
    # rows network-wide, of which a search by name wants the few of the searcher's own organisation
    # (casework/search_sql.py). Written with the case's by ``services.cases._reindex`` alone.
    owner = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+", db_index=False)
    kind = models.CharField(max_length=8, choices=Kind.choices)
    digest = models.CharField(max_length=64)

    class Meta:
        # A search reads the case ids under one digest, of one organisation (a name) or network-wide (the duplicate
        # check): with the owner and the case id in the index the read is index-only and stops at the
        # organisation's few rows, not a visit to each row's page (a name search: 4 ms of heap reads at 100,000
        # cases).
        indexes = [models.Index(fields=["kind", "digest", "owner", "case"], name="casework_blindindex_owner")]
        constraints = [
            models.UniqueConstraint(fields=["case", "kind", "digest"], name="casework_blindindex_unique"),
        ]


class CaseNote(ChoiceLabels, models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("written"), default=timezone.now)
    body_enc = models.TextField(editable=False)
    shareable = models.BooleanField(
        _("may be shared in a referral"),
        default=False,
        help_text=_("Only notes marked shareable can be sent with a referral, and only if you tick notes there."),
    )
    is_follow_up = models.BooleanField(_("records a follow-up contact"), default=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("note")
        verbose_name_plural = _("notes")


class ServiceRecord(ChoiceLabels, models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="services")
    service_type = models.CharField(_("service"), max_length=32, choices=ServiceType.choices)
    provider = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="services_given", verbose_name=_("provided by")
    )
    started_on = models.DateField(_("started"), null=True, blank=True)
    ended_on = models.DateField(_("ended"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=ServiceStatus.choices, default=ServiceStatus.PLANNED)
    outcome_enc = models.TextField(blank=True, editable=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-recorded_at"]
        verbose_name = _("service")
        verbose_name_plural = _("services")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True)
                | models.Q(started_on__isnull=True)
                | models.Q(ended_on__gte=models.F("started_on")),
                name="casework_service_dates_ordered",
            )
        ]


class Consent(ChoiceLabels, models.Model):
    """One consent of one kind. Withdrawal is recorded, never deleted; consent given again is a new row."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="consents")
    kind = models.CharField(_("consent to"), max_length=16, choices=ConsentKind.choices)
    given_on = models.DateField(_("given on"))
    given_by = models.CharField(_("given by"), max_length=16, choices=ConsentGivenBy.choices)
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    history = HistoricalRecords(no_db_index=["recorded_by"])  # read by case, date and user (Case's history)

    class Meta:
        ordering = ["kind", "-given_on"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        constraints = [
            models.UniqueConstraint(
                fields=["case", "kind"], condition=models.Q(withdrawn_on__isnull=True), name="casework_one_live_consent"
            )
        ]

    @property
    def is_active(self) -> bool:
        return self.withdrawn_on is None


class CaseUserObjectPermission(UserObjectPermissionBase):
    """Grants on one case to one user (named caseworkers of a restricted case)."""

    content_object = models.ForeignKey(Case, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        pass


class CaseGroupObjectPermission(GroupObjectPermissionBase):
    """Grants on one case to an organisation's group (the owner, or a receiver of an accepted referral).

    ``case_created_at`` is the case's own ``created_at`` (which never changes once the case is opened), copied onto
    the grant so that the case list can read the cases shared with an organisation newest first along the grant
    index and stop at the page's end (access.cases_with_parts), instead of looking up every shared case to sort
    them. It decides the order of a page only, never who may see what."""

    content_object = models.ForeignKey(Case, on_delete=models.CASCADE)
    case_created_at = models.DateTimeField(editable=False)

    class Meta(GroupObjectPermissionBase.Meta):
        indexes = [
            models.Index(
                fields=["group", "permission", "-case_created_at", "-content_object"], name="casework_grant_newest"
            )
        ]

    def save(self, *args: Any, **kwargs: Any) -> None:
        # A grant made one at a time (guardian's assign_perm) rather than by access.grant_owner / grant_sections.
        if self.case_created_at is None:
            self.case_created_at = self.content_object.created_at
        super().save(*args, **kwargs)


class IntakeDraft(models.Model):
    """A half-written intake, saved as the caseworker types so that a closed tab, an ended session or a lost
    connection loses nothing. One per intake page (two tabs, two drafts). The posted fields are sealed (AES-256-GCM)
    under the draft's own data key, itself wrapped by the master key (casework/drafts.py); nothing of it is ever kept
    in the browser.

    Deliberately without history: it is a scratch copy, discarded when the intake is opened as a case, when its owner
    discards it, or JEJARING_INTAKE_DRAFT_DAYS after its last save; a history table would keep what was discarded."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    wrapped_key = models.TextField(editable=False)
    master_key_id = models.CharField(max_length=12, db_index=True, editable=False)
    payload_enc = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    saved_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(db_index=True)


# Attachments and the person's rights live in their own module (a sitting each); Django finds them through this import.
from casework.rights_models import ATTACHMENT_SECTIONS, Attachment, RightsRequest  # noqa: E402, F401
