"""The "who has access" panel of a case (its page for caseworkers, and the admins' view): every group and user the
grant rows let see the case, and why. The grants themselves are made in casework.access."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import Group

from accounts.choices import Role
from accounts.models import User
from casework.access import FULL_VIEW, SECTION_PERMISSIONS
from casework.models import Case, CaseGroupObjectPermission, CaseUserObjectPermission, Section


def grants_on(case: Case) -> dict[str, list]:
    """Every grant on a case: rows of (group or user, permission codename)."""
    return {
        "groups": list(
            CaseGroupObjectPermission.objects.filter(content_object=case)
            .select_related("group__organisation", "permission")
            .order_by("group__name", "permission__codename")
        ),
        "users": list(
            CaseUserObjectPermission.objects.filter(content_object=case)
            .select_related("user", "permission")
            .order_by("user__username", "permission__codename")
        ),
    }


@dataclass
class Grant:
    """One line of the "who has access" panel."""

    who: str
    kind: str  # "group" or "user"
    reason: str  # "owner", "named" or "referral"
    sections: list[str]
    members: list[str]


def who_has_access(case: Case) -> list[Grant]:
    """Every group and user that can see the case, and why, from the grant rows themselves."""
    grants = grants_on(case)
    by_group: dict[int, set[str]] = {}
    groups: dict[int, Group] = {}
    for row in grants["groups"]:
        by_group.setdefault(row.group_id, set()).add(row.permission.codename)
        groups[row.group_id] = row.group
    lines = []
    for group_id, codenames in by_group.items():
        group = groups[group_id]
        members = sorted(
            User.objects.filter(groups=group, is_active=True, membership__role=Role.CASEWORKER).values_list(
                "username", flat=True
            )
        )
        if FULL_VIEW in codenames:
            lines.append(Grant(group.organisation.name, "group", "owner", [], members))
        else:
            sections = [
                str(Section(s).label)
                for s, code in SECTION_PERMISSIONS.items()
                if code in codenames and s != Section.SUMMARY
            ]
            lines.append(Grant(group.organisation.name, "group", "referral", sections, members))
    named = sorted({row.user.username for row in grants["users"] if row.permission.codename == FULL_VIEW})
    lines.extend(Grant(username, "user", "named", [], [username]) for username in named)
    return lines
