"""The one door into cases, for code that asks Django: ``user.has_perm("casework.view_case", case)``.

guardian's ObjectPermissionBackend is not installed: it reads grant rows alone, and would say yes to a suspended
caseworker, a deactivated organisation or a coordinator holding a stale grant. This backend answers object
permissions on cases by asking the gate (``casework.access``), and answers nothing else.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import BaseBackend

from casework import access
from casework.models import Case

# Permission codename -> the gate's action.
ACTIONS = {
    access.FULL_VIEW: "view",
    access.CHANGE: "change",
    **{codename: f"view_{section}" for section, codename in access.SECTION_PERMISSIONS.items()},
}


class CaseAccessBackend(BaseBackend):
    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        if not isinstance(obj, Case):
            return False
        app_label, _dot, codename = perm.partition(".")
        action = ACTIONS.get(codename) if app_label == "casework" else None
        return action is not None and access.access_for(user_obj, obj).allows(action)
