"""Users, organisations and memberships (one organisation and one role per user)."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth.models import AbstractUser, Group
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device, ThrottlingMixin, TimestampMixin
from django_otp.plugins.otp_totp.models import TOTPDevice
from simple_history.models import HistoricalRecords

from accounts.choices import OrganisationKind, Role, ServiceType
from core import crypto as sealed_box
from core import provinces
from core.fields import ChoiceLabels, MultiChoiceField


class User(AbstractUser):  # type: ignore[django-manager-missing]
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


class Organisation(ChoiceLabels, models.Model):
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


class Membership(ChoiceLabels, models.Model):
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


class Authenticator(TimestampMixin, ThrottlingMixin, Device):
    """A TOTP authenticator whose secret is stored only sealed (AES-256-GCM) under the current master key, bound to
    its user: a copy of the database or a backup generates nobody's codes, and a sealed secret copied into another
    user's row does not open. It behaves as django-otp's TOTPDevice (same fields and verification), which it
    replaces everywhere; ``manage.py rotate_master_key`` re-seals it under a new master key."""

    key_sealed: models.TextField[str, str] = models.TextField(editable=False, blank=True)
    step: models.PositiveSmallIntegerField[int, int] = models.PositiveSmallIntegerField(default=30)
    t0: models.BigIntegerField[int, int] = models.BigIntegerField(default=0)
    digits: models.PositiveSmallIntegerField[int, int] = models.PositiveSmallIntegerField(
        choices=[(6, 6), (8, 8)], default=6
    )
    tolerance: models.PositiveSmallIntegerField[int, int] = models.PositiveSmallIntegerField(default=1)
    drift: models.SmallIntegerField[int, int] = models.SmallIntegerField(default=0)
    last_t: models.BigIntegerField[int, int] = models.BigIntegerField(default=-1)

    KEY_BYTES = 20

    class Meta(Device.Meta):
        verbose_name = _("authenticator")

    def _aad(self) -> bytes:
        return f"totp-key:{self.user_id}".encode()

    def set_key(self, raw: bytes) -> None:
        self.key_sealed = sealed_box.seal(raw, self._aad())

    @property
    def bin_key(self) -> bytes:
        return sealed_box.open_sealed(self.key_sealed, self._aad())

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.key_sealed:
            self.set_key(os.urandom(self.KEY_BYTES))
        super().save(*args, **kwargs)

    # django-otp's TOTP behaviour, on the sealed key.
    verify_token = TOTPDevice.verify_token
    get_throttle_factor = TOTPDevice.get_throttle_factor
    config_url = TOTPDevice.config_url
    _read_str_from_settings = TOTPDevice._read_str_from_settings
