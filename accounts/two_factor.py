"""Two-factor sign-in: TOTP authenticators enrolled by QR code (their secrets sealed under the master keys, see
accounts.models.Authenticator), and one-time recovery codes."""

from __future__ import annotations

import base64
import time

import segno
from django.conf import settings
from django.db import transaction
from django.utils.crypto import salted_hmac
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

from accounts.backends import device_annotation, device_classes
from accounts.models import Authenticator, User

RECOVERY_DEVICE = "recovery"
RECOVERY_SALT = "jejaring.two_factor.recovery_code"
# Wrong authenticator codes allowed without a wait before the next try (then 1, 2, 4, 8 ... seconds, and the sign-in
# lockout); the right code typed a second after a typo is accepted.
THROTTLE_GRACE = 3


def recovery_digest(code: str) -> str:
    """What is stored of a recovery code: a keyed hash (HMAC-SHA256 under the secret key, cut to the 16 characters
    of django-otp's token column), so that a copy of the database or a backup hands out no working codes."""
    return salted_hmac(RECOVERY_SALT, code.strip().lower(), algorithm="sha256").hexdigest()[:16]


def has_second_factor(user: User) -> bool:
    """Whether the user has a confirmed device (django_otp's ``user_has_device``), from what the request's user
    query already said (accounts.backends.signed_in_users) when it was loaded that way."""
    from django_otp import user_has_device

    names = [device_annotation(model) for model in device_classes()]
    if all(hasattr(user, name) for name in names):
        return any(getattr(user, name) for name in names)
    return user_has_device(user, confirmed=True)


def pending_device(user: User) -> Authenticator:
    """The unconfirmed authenticator being enrolled; a new secret only when none is pending."""
    device = Authenticator.objects.filter(user=user, confirmed=False).order_by("-id").first()
    if device is None:
        device = Authenticator.objects.create(user=user, name="authenticator", confirmed=False)
    return device


def qr_svg(device: Authenticator) -> str:
    return segno.make(device.config_url, error="m").svg_inline(scale=5, dark="#000", light="#fff")


def manual_secret(device: Authenticator) -> str:
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@transaction.atomic
def confirm_device(device: Authenticator) -> list[str]:
    """Confirm an enrolled authenticator, drop any older one, and issue fresh recovery codes."""
    Authenticator.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return new_recovery_codes(device.user)


@transaction.atomic
def new_recovery_codes(user: User) -> list[str]:
    """Replace the user's recovery codes; each works once and is shown to the user only now."""
    static, _created = StaticDevice.objects.get_or_create(user=user, name=RECOVERY_DEVICE, defaults={"confirmed": True})
    static.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(settings.JEJARING_RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=static, token=recovery_digest(code)) for code in codes)
    return codes


@transaction.atomic
def verify(user: User, token: str) -> Device | None:
    """The device that accepts this code: the authenticator, else an unused recovery code (used up by this).

    Each device is asked for the form it keeps (django-otp's own `match_token` would compare the recovery devices'
    stored hashes with the typed code); each counts its own failures and throttles repeated guesses."""
    for device in Authenticator.objects.select_for_update().filter(user=user, confirmed=True):
        if device.throttling_failure_count < THROTTLE_GRACE:
            # A typo corrected at once is not an attack: the first failures impose no wait (in memory only; each
            # failure is still counted, and from THROTTLE_GRACE on django-otp's doubling delay applies).
            device.throttling_failure_timestamp = None
        if device.verify_token(token):
            return device
    recovery = StaticDevice.objects.select_for_update().filter(user=user, name=RECOVERY_DEVICE, confirmed=True).first()
    if recovery is not None and recovery.verify_token(recovery_digest(token)):
        return recovery
    return None


def remaining_recovery_codes(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__name=RECOVERY_DEVICE).count()


@transaction.atomic
def disable(user: User) -> None:
    Authenticator.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


def demo_code(user: User) -> str | None:
    """The code to type on a demo account (demo_hint)."""
    hint = demo_hint(user)
    return hint[0] if hint else None


def demo_hint(user: User) -> tuple[str, int] | None:
    """The code of a demo account's authenticator and the seconds until it is accepted, shown only when DEMO_MODE is
    on (never in production), and only for the accounts `seed_demo` makes: any other account's second factor stays a
    second factor. A code already used in the current window would be refused, so the next window's code is shown
    instead, with the seconds until it starts."""
    from accounts.demo import PEOPLE

    if not settings.DEMO_MODE or user.username not in {username for username, *_rest in PEOPLE}:
        return None
    device = Authenticator.objects.filter(user=user, confirmed=True).first()
    if device is None:
        return None
    from django_otp.oath import TOTP

    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    wait = 0
    if device.last_t is not None and device.last_t >= totp.t():
        totp.time = (totp.t() + 1) * device.step + device.t0
        wait = max(1, int(totp.time - time.time()))
    return f"{totp.token():0{device.digits}d}", wait


def reseal_authenticators(batch: int = 500) -> dict[str, int]:
    """Re-seal every authenticator's secret under the current master key (``rotate_master_key``): counts of those
    re-sealed and of those already under it."""
    from core import crypto

    current = crypto.current_master_key_id()
    counts = {"resealed": 0, "already_current": 0}
    with transaction.atomic():
        for device in Authenticator.objects.select_for_update().order_by("pk").iterator(chunk_size=batch):
            if crypto.master_key_id_of(device.key_sealed) == current:
                counts["already_current"] += 1
                continue
            device.set_key(device.bin_key)
            device.save(update_fields=["key_sealed"])
            counts["resealed"] += 1
    return counts
