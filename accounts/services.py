"""Writes for organisations, users and memberships. Each takes an explicit actor and runs in one transaction."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from simple_history.utils import update_change_reason

from accounts import hooks
from accounts.choices import Role
from accounts.models import Membership, Organisation, User
from core.history import with_actor

SYSTEM_USERNAME = "jejaring-system"


def system_user() -> User:
    """The actor recorded for work nobody did by hand (commands, scheduled tasks). It cannot sign in."""
    user, created = User.objects.get_or_create(
        username=SYSTEM_USERNAME, defaults={"is_active": False, "first_name": "Jejaring"}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def _group_name(code: str) -> str:
    return f"org:{code}"


@transaction.atomic
def organisation_create(
    *,
    actor: User | None,
    name: str,
    code: str,
    kind: str,
    province: str,
    services: Iterable[str] = (),
    is_active: bool = True,
) -> Organisation:
    group, _created = Group.objects.get_or_create(name=_group_name(code))
    organisation = Organisation(  # type: ignore[misc]  # services is a list; the field stores it as text
        name=name,
        code=code,
        kind=kind,
        province=province,
        services=list(services),
        is_active=is_active,
        group=group,
    )
    organisation.full_clean()
    with_actor(organisation, actor)
    organisation.save()
    return organisation


@transaction.atomic
def organisation_save(*, actor: User | None, organisation: Organisation) -> Organisation:
    """Save an edited organisation (admin screens); its group follows its code."""
    organisation.full_clean(exclude=["group"])
    if not organisation.group_id:
        organisation.group, _created = Group.objects.get_or_create(name=_group_name(organisation.code))
    elif organisation.group.name != _group_name(organisation.code):
        organisation.group.name = _group_name(organisation.code)
        organisation.group.save(update_fields=["name"])
    was_active = Organisation.objects.filter(pk=organisation.pk).values_list("is_active", flat=True).first()
    with_actor(organisation, actor)
    organisation.save()
    if was_active is not None and was_active != organisation.is_active:
        # Its group carries the grants on its cases and on cases referred to it: only an active organisation's
        # caseworkers sit in it.
        for user in User.objects.filter(membership__organisation=organisation):
            sync_groups(user)
    return organisation


def sync_groups(user: User) -> None:
    """Keep organisation groups in step with the membership: only an active caseworker of an active organisation
    sits in that organisation's group, because the group is what carries grants on case data. Coordinators and
    admins act network-wide and must not see case contents through their role."""
    membership = Membership.objects.select_related("organisation").filter(user=user).first()
    wanted: set[int] = set()
    if (
        user.is_active
        and membership is not None
        and membership.is_active
        and membership.role == Role.CASEWORKER
        and membership.organisation.is_active
    ):
        wanted.add(membership.organisation.group_id)
    current = set(user.groups.filter(organisation__isnull=False).values_list("id", flat=True))
    if current - wanted:
        user.groups.remove(*(current - wanted))
    if wanted - current:
        user.groups.add(*(wanted - current))


@transaction.atomic
def membership_set(
    *,
    actor: User | None,
    user: User,
    organisation: Organisation,
    role: str,
    is_active: bool = True,
    may_override_consent: bool = False,
) -> Membership:
    by_admin = actor is not None and actor.role == Role.ADMIN  # before the change: the actor may be the user
    membership = Membership.objects.filter(user=user).first() or Membership(user=user)
    if membership.pk and (membership.organisation_id != organisation.pk or membership.role != role):
        reasons = hooks.membership_change_blocked(user=user, organisation=organisation, role=role)
        if reasons:
            raise ValidationError(reasons)
    membership.organisation = organisation
    membership.role = role
    membership.is_active = is_active
    membership.may_override_consent = may_override_consent and role == Role.CASEWORKER
    membership.full_clean(exclude=["user"])
    with_actor(membership, actor)
    membership.save()
    user.membership = membership  # keep the in-memory user in step (its cached membership would be stale)
    sync_groups(user)
    for hook in hooks.membership_changed:
        hook(user=user, actor=actor, membership=membership, by_admin=by_admin)
    return membership


@transaction.atomic
def user_create(
    *,
    actor: User | None,
    username: str,
    email: str,
    password: str | None,
    organisation: Organisation,
    role: str,
    first_name: str = "",
    last_name: str = "",
    language: str = "id",
) -> User:
    user = User(username=username, email=email, first_name=first_name, last_name=last_name, language=language)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    with_actor(user, actor)
    user.save()
    membership_set(actor=actor, user=user, organisation=organisation, role=role)
    return user


@transaction.atomic
def user_set_active(*, actor: User | None, user: User, is_active: bool, reason: str = "") -> User:
    user.is_active = is_active
    with_actor(user, actor)
    user.save(update_fields=["is_active"])
    if reason:
        update_change_reason(user, reason)
    sync_groups(user)
    return user


def user_set_language(*, actor: User, language: str) -> None:
    actor.language = language
    with_actor(actor, actor)
    actor.save(update_fields=["language"])
