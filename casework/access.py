"""Who may see which part of a case, as django-guardian grants in direct foreign-key tables.

- The owner organisation's group holds ``view_case`` and ``change_case`` on each of its cases: every part of it.
- A restricted case is granted to named users of the owner organisation instead of the group.
- An accepted referral grants the receiving organisation's group ``view_case_summary`` plus one permission per section
  the sender shared (identity, contact, narrative, needs, notes); it is revoked when the referral ends.
- Only active caseworkers reach case data at all: coordinators and admins see no case contents through their role,
  whatever grants might linger.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import Permission
from django.db.models import Exists, F, OuterRef, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.signals import post_migrate
from django.utils.translation import gettext

from accounts.choices import Role
from accounts.models import Membership, Organisation, User
from casework import grant_sql
from casework.models import Case, CaseGroupObjectPermission, CaseUserObjectPermission, Section

FULL_VIEW = "view_case"
CHANGE = "change_case"
SECTION_PERMISSIONS = {
    Section.SUMMARY: "view_case_summary",
    Section.IDENTITY: "view_case_identity",
    Section.CONTACT: "view_case_contact",
    Section.NARRATIVE: "view_case_narrative",
    Section.NEEDS: "view_case_needs",
    Section.NOTES: "view_case_notes",
}
SHAREABLE_SECTIONS = [s for s in Section if s != Section.SUMMARY]
GATE_CODENAMES = (FULL_VIEW, CHANGE, *SECTION_PERMISSIONS.values())  # every permission the gate reads
VISIBLE = (FULL_VIEW, SECTION_PERMISSIONS[Section.SUMMARY])  # a case the user may open (any part of it)
_SECTION_CODENAMES = frozenset(SECTION_PERMISSIONS.values())


@dataclass(frozen=True)
class CaseAccess:
    """What one user may do with one case."""

    full: bool
    can_change: bool
    sections: frozenset[str]

    @property
    def any(self) -> bool:
        return self.full or bool(self.sections)

    def can_see(self, section: str) -> bool:
        return self.full or section in self.sections

    @property
    def is_referred(self) -> bool:
        return not self.full and bool(self.sections)

    def allows(self, action: str) -> bool:
        """The one answer to "may this user do ``action`` to this case": ``view`` (any part of it), ``change``
        (the whole case, as its owner), ``view_<section>`` (that section: the whole case, or a referral that shared
        it), ``record_service`` (the owner, or a receiving organisation recording its own service)."""
        if action == "view":
            return self.any
        if action == "change":
            return self.can_change
        if action == "record_service":
            return self.can_change or self.is_referred
        if action.startswith("view_") and action.removeprefix("view_") in Section.values:
            return self.can_see(action.removeprefix("view_"))
        raise ValueError(f"unknown case action {action!r}")


NO_ACCESS = CaseAccess(full=False, can_change=False, sections=frozenset())


_PERMISSIONS: dict[str, Permission] = {}


def permission_ids(*codenames: str) -> list[int]:
    """The permissions' ids, as literals: a query on the grant tables is then planned without joining the
    permission and content-type tables again (that join was a third of a home page's planning). Looked up once per
    process, and forgotten whenever migrate or a test database's flush may have made the rows again (see _perm)."""
    return [_perm(codename).pk for codename in codenames]


def _forget_permissions(**kwargs: Any) -> None:
    _PERMISSIONS.clear()  # migrate (and a test database's flush) may make the rows again, with other ids


post_migrate.connect(_forget_permissions, dispatch_uid="casework.access.forget_permissions")


def _perm(codename: str) -> Permission:
    """A casework permission, looked up once per process (permissions are rows that migrations make and never
    change): granting a case's owner asked for the same two rows on every intake."""
    found = _PERMISSIONS.get(codename)
    if found is None:
        found = _PERMISSIONS[codename] = Permission.objects.get(content_type__app_label="casework", codename=codename)
    return found


def may_reach_cases(user: User) -> bool:
    """An active caseworker of an active organisation: nobody else reaches case data, whatever grants linger."""
    if not (user.is_authenticated and user.is_active and user.role == Role.CASEWORKER):
        return False
    organisation = user.organisation
    return organisation is not None and organisation.is_active


def active_caseworkers() -> QuerySet[User]:
    """``may_reach_cases`` as a query: active caseworkers, with an active membership, of active organisations. Everyone
    told about a case or a referral is drawn from here."""
    return User.objects.filter(
        is_active=True,
        membership__role=Role.CASEWORKER,
        membership__is_active=True,
        membership__organisation__is_active=True,
    )


def caseworkers_with_access(case_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[User]]:
    """Active caseworkers who can open each whole case (those ``access_for(...).allows("change")`` answers yes for),
    in three queries for any number of cases: the recipients of case reminders."""
    by_case: dict[uuid.UUID, dict[int, User]] = defaultdict(dict)
    group_grants = CaseGroupObjectPermission.objects.filter(
        content_object_id__in=case_ids, permission__codename="view_case"
    ).values_list("content_object_id", "group_id")
    groups: dict[int, list[uuid.UUID]] = defaultdict(list)
    for case_id, group_id in group_grants:
        groups[group_id].append(case_id)
    caseworkers = active_caseworkers()
    memberships = list(
        User.groups.through.objects.filter(group_id__in=list(groups), user__in=caseworkers).values_list(
            "user_id", "group_id"
        )
    )
    users = User.objects.in_bulk({user_id for user_id, _group in memberships})
    for user_id, group_id in memberships:
        for case_id in groups[group_id]:
            by_case[case_id][user_id] = users[user_id]
    named = CaseUserObjectPermission.objects.filter(
        content_object_id__in=case_ids,
        permission__codename="view_case",
        user__in=caseworkers,
        user__membership__organisation_id=F("content_object__owner_id"),  # as access._own_named_grants
    ).select_related("user")
    for grant in named:
        by_case[grant.content_object_id][grant.user_id] = grant.user
    return {case_id: sorted(users.values(), key=lambda u: u.pk) for case_id, users in by_case.items()}


def _own_named_grants(user: User) -> QuerySet[CaseUserObjectPermission]:
    """The user's own grants, on cases of the user's organisation only. Grants to a user are the named users of a
    restricted case, who belong to its owner organisation; one who has moved elsewhere keeps none of them (they
    are also deleted when the membership changes, see ``on_membership_changed``)."""
    return CaseUserObjectPermission.objects.filter(
        user=user,
        content_object__owner_id=user.membership.organisation_id,  # may_reach_cases: an active membership
    )


def codenames_for(user: User, case: Case) -> set[str]:
    """The gate's permissions (``GATE_CODENAMES``) the user holds on the case: named (on a case of the user's
    organisation, as ``_own_named_grants``) or through a group. One statement written out (grant_sql.held), the
    ids mapped back to codenames: the ORM's union of the two joined lookups cost more than the statement."""
    if not may_reach_cases(user):
        return set()
    by_id = dict(zip(permission_ids(*GATE_CODENAMES), GATE_CODENAMES, strict=True))
    held = grant_sql.held(user.pk, user.membership.organisation_id, case.pk)
    return {by_id[permission] for permission in held if permission in by_id}


def access_for(user: User, case: Case) -> CaseAccess:
    codenames = codenames_for(user, case)
    full = FULL_VIEW in codenames
    sections = frozenset(section for section, codename in SECTION_PERMISSIONS.items() if codename in codenames)
    return CaseAccess(full=full, can_change=full and CHANGE in codenames, sections=sections)


def granted_ids(user: User, *codenames: str, own_cases: bool = True) -> tuple[str, list[Any]]:
    """``_granted_sql`` as a statement and its parameters, for the statements written out (casework/home.py).
    The caller has checked ``may_reach_cases``."""
    found = _granted_sql(user, codenames, own_cases=own_cases)
    return found.sql, list(found.params)


def granted_probes(user: User, case: str, owner: str, *codenames: str) -> tuple[str, list[Any]]:
    """The grants ``granted_ids`` selects as a condition on the case in column ``case`` (its owner in ``owner``), asked
    of each candidate case (grant_sql.probes), and its parameters. The caller has checked ``may_reach_cases``."""
    organisation_id = user.membership.organisation_id  # may_reach_cases: an active membership
    return grant_sql.probes(case, owner, user.pk, organisation_id, permission_ids(*codenames))


def _granted_sql(user: User, codenames: tuple[str, ...], *, own_cases: bool = True) -> RawSQL:
    """The ids of the cases on which the user holds any of these permissions, as one SQL subquery: through the
    user's groups, and (with ``own_cases``) the user's own named grants (``_own_named_grants``: on cases of the
    user's organisation only). Without ``own_cases``, the group grants on other organisations' cases alone.

    Written out rather than built by the ORM: the same grants, but building the two joined and united querysets
    cost more than PostgreSQL took to run them (about 1 ms on every page that lists, counts or searches cases), and
    the group join goes straight to the user's memberships, not through ``auth_group``. The tests compare what it
    selects with the gate for every user of the cast (tests/casework/test_one_door.py, test_home.py)."""
    organisation_id = user.membership.organisation_id  # may_reach_cases: an active membership
    ids = permission_ids(*(codenames if own_cases else _shared_codenames(codenames)))
    sql = grant_sql.statement(len(ids), own_cases)
    if not own_cases:
        return RawSQL(sql, [user.pk, *ids, organisation_id])  # noqa: S611 (values as parameters)
    return RawSQL(sql, [user.pk, *ids, user.pk, organisation_id, *ids])  # noqa: S611 (values as parameters)


def _shared_codenames(codenames: tuple[str, ...]) -> tuple[str, ...]:
    """Which of these permissions to read from the group grants on other organisations' cases. Another
    organisation's case reaches the organisation only by referral: ``grant_sections`` grants its summary with every
    section it shares, ``revoke_sections`` takes them all back together, and the owner's permissions
    (``grant_owner``) are granted to the owner's group and named users alone (tests/casework/test_shared_grants.py
    holds the grant tables to that). So of the asked permissions, the sections (the summary among them) find every
    shared case: read along the grant index for those, not through every grant the group holds on its own cases
    (two thousand rows for a large organisation, to keep two hundred)."""
    sections = tuple(codename for codename in codenames if codename in _SECTION_CODENAMES)
    return sections or codenames


def cases_with(user: User, *codenames: str) -> QuerySet[Case]:
    """Cases on which the user holds any of these permissions, directly or through a group."""
    if not may_reach_cases(user):
        return Case.objects.none()
    # One IN over a UNION, not "IN (...) OR IN (...)": PostgreSQL turns the union into a join driven by the grant
    # rows, so the cost follows the user's own cases, not the size of the network (bench/README.md).
    return Case.objects.filter(pk__in=_granted_sql(user, codenames))


def shared_from(user: User, case: str, codenames: tuple[str, ...] = VISIBLE) -> tuple[str, list[Any]]:
    """The cases shared with the user's organisation that these permissions reach (by default ``VISIBLE``), as the
    FROM and WHERE of a statement written out, the case under alias ``case`` (grant_sql.shared_with), and its
    parameters: one section's grants find them all (``_shared_codenames``: the summary for ``VISIBLE``, the
    section itself for the whole case or that section). The caller has checked ``may_reach_cases``."""
    return grant_sql.shared_with(case, *_shared_by(user, codenames))


def shared_to(user: User, case: str, codenames: tuple[str, ...] = VISIBLE) -> tuple[str, list[Any]]:
    """``shared_from`` as a condition on one case (alias ``case``) and its parameters, asked of a few candidates
    (grant_sql.shared_to). The caller has checked ``may_reach_cases``."""
    return grant_sql.shared_to(case, *_shared_by(user, codenames))


def _shared_by(user: User, codenames: tuple[str, ...]) -> tuple[int, int, int, int]:
    """The user's, the organisation's and its group's ids, and the one permission whose grants find every case
    shared with the organisation that these permissions reach."""
    organisation = user.membership.organisation  # may_reach_cases: an active membership, read with the user
    (section,) = permission_ids(*_shared_codenames(codenames))
    return user.pk, organisation.pk, organisation.group_id, section


def own_visible(user: User, case: str) -> tuple[str, list[Any]]:
    """Whether the user may open a case of the organisation's own (alias ``case``; VISIBLE), as a condition and its
    parameters, written from the rule ``grant_owner`` keeps instead of from the grants: a case not restricted is
    granted to the organisation's group, of which the user is a member (accounts.services.sync_groups), a restricted
    one to its named users only (``tests/casework/test_shared_grants.py`` holds the grants to that rule). Counting
    the organisation's cases this way reads no grant of theirs but the user's named ones (the home's figures hashed
    all 2,226 grants of a 2,000-case organisation). The same answers for any one section of an own case: the
    owner's grants are the whole case or nothing. The caller has checked ``may_reach_cases``."""
    organisation = user.membership.organisation
    return grant_sql.own_by_rule(case, user.pk, organisation.pk, organisation.group_id, permission_ids(FULL_VIEW)[0])


def cases_with_parts(user: User, *codenames: str) -> tuple[QuerySet[Case], QuerySet[Case]]:
    """The cases of ``cases_with``, in two disjoint parts whose union is exactly that set, as the ORM reads them:
    those of the user's own organisation, and the rest (shared with it by referral). The same grants decide; only
    the plan differs. The case list's statement (casework/list_sql.py) and the home's figures (casework/home.py)
    write the same parts out, and the tests hold all three to the gate.

    The first part asks the grants of each case as PostgreSQL walks the organisation's cases newest first
    (``grant_sql.GrantedTo``). A user's named grants are on own cases only (``_own_named_grants``), so the rest
    comes from the group grants alone."""
    if not may_reach_cases(user):
        return Case.objects.none(), Case.objects.none()
    ids = permission_ids(*codenames)
    own = Case.objects.filter(owner_id=user.membership.organisation_id).filter(grant_sql.GrantedTo(user.pk, ids))
    return own, Case.objects.filter(pk__in=_granted_sql(user, codenames, own_cases=False))


def named_cases_sql(user: User) -> tuple[str, list[Any]]:
    """The restricted cases a user is named on (a restricted case is granted to named users only), as a subquery
    (its SQL and parameters) for a statement written out. The user must reach cases (``may_reach_cases``)."""
    return grant_sql.named(user.pk, user.membership.organisation_id, permission_ids(FULL_VIEW)[0])


# --- Grants ----------------------------------------------------------------------------------------------------


def grant_owner(case: Case, named_users: Iterable[User] = ()) -> None:
    """Regrant the owner organisation: its group, or only the named users when the case is restricted."""
    owner_perms = [_perm(FULL_VIEW), _perm(CHANGE)]
    CaseGroupObjectPermission.objects.filter(
        content_object=case, group_id=case.owner.group_id, permission__in=owner_perms
    ).delete()
    CaseUserObjectPermission.objects.filter(content_object=case, permission__in=owner_perms).delete()
    model = CaseUserObjectPermission if case.is_restricted else CaseGroupObjectPermission
    model.objects.bulk_create(owner_grant_rows(case, named_users))


def owner_grant_rows(case: Case, named_users: Iterable[User] = ()) -> list[Any]:
    """The owner organisation's grants on a case (not saved): to its group, or to the named users only when the
    case is restricted; for a case being opened, written with its other rows (casework.services.case_open)."""
    owner_perms = [_perm(FULL_VIEW), _perm(CHANGE)]
    if case.is_restricted:
        return [
            CaseUserObjectPermission(content_object=case, user=user, permission=perm)
            for user in named_users
            for perm in owner_perms
        ]
    return [
        CaseGroupObjectPermission(
            content_object=case, group_id=case.owner.group_id, permission=perm, case_created_at=case.created_at
        )
        for perm in owner_perms
    ]


def named_users(case: Case) -> list[User]:
    return list(
        User.objects.filter(
            caseuserobjectpermission__content_object=case,
            caseuserobjectpermission__permission__codename=FULL_VIEW,
        ).order_by("username")
    )


def grant_sections(case: Case, group_id: int, sections: Iterable[str]) -> None:
    """Grant a receiving organisation (its group's id) the summary and the shared sections of a case."""
    wanted = {Section.SUMMARY, *sections}
    perms = [_perm(SECTION_PERMISSIONS[Section(section)]) for section in wanted]
    existing = set(
        CaseGroupObjectPermission.objects.filter(content_object=case, group_id=group_id).values_list(
            "permission_id", flat=True
        )
    )
    CaseGroupObjectPermission.objects.bulk_create(
        CaseGroupObjectPermission(
            content_object=case, group_id=group_id, permission=perm, case_created_at=case.created_at
        )
        for perm in perms
        if perm.id not in existing
    )


def revoke_sections(case: Case, group_id: int) -> None:
    """Take back every section granted to an organisation (its group's id) on a case."""
    grant_sql.revoke(case.pk, group_id, permission_ids(*SECTION_PERMISSIONS.values()))


def on_membership_changed(*, user: User, actor: User | None, **_kwargs: Any) -> None:
    """A user who moves to another organisation, or stops being a caseworker, is no longer named on the restricted
    cases of the organisation they left (accounts calls this through its hook, inside the membership's
    transaction). A membership merely suspended keeps its grants: the gate ignores them until it is active again.
    Grants through the organisation's group follow the group, which accounts keeps in step."""
    membership = Membership.objects.filter(user=user).first()
    stale = CaseUserObjectPermission.objects.filter(user=user)
    if membership is not None and membership.role == Role.CASEWORKER:
        stale = stale.exclude(content_object__owner_id=membership.organisation_id)
    stale.delete()


def last_named_on(*, user: User, organisation: Organisation, role: str) -> list[str]:
    """Why a membership may not move (accounts asks through its hook): the restricted cases of the user's current
    organisation on which nobody else is named would be left for no one to open, since only their named
    caseworkers may change who is named. The references identify no one."""
    current = Membership.objects.filter(user=user).select_related("organisation").first()
    if current is None or (current.organisation_id == organisation.pk and role == Role.CASEWORKER):
        return []
    view = permission_ids(FULL_VIEW)
    named_by_others = CaseUserObjectPermission.objects.filter(
        content_object_id=OuterRef("pk"), permission_id__in=view
    ).exclude(user=user)
    mine = CaseUserObjectPermission.objects.filter(user=user, permission_id__in=view).values("content_object_id")
    alone = (
        Case.objects.filter(pk__in=mine, owner_id=current.organisation_id, is_restricted=True)
        .exclude(Exists(named_by_others))
        .order_by("reference")
        .values_list("reference", flat=True)
    )
    references = list(alone)
    if not references:
        return []
    return [
        gettext(
            "%(user)s is the only caseworker named on restricted cases of %(organisation)s: %(references)s. Ask a "
            "colleague there to name another caseworker on them first, so that they are not left for no one to open."
        )
        % {"user": user.username, "organisation": current.organisation.code, "references": ", ".join(references)}
    ]
