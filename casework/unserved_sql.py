"""The needs page's own part: an organisation's open high-risk cases that have had no service planned or given since
they were opened, the oldest first, written out (core/sql.py) and planned once per connection: as an ORM query its
time bound, new on every request, made PostgreSQL plan it anew each time (a millisecond, four times its run along
``casework_case_high_open``). ``tests/network/test_own_unserved.py`` checks what it lists, and that a restricted
case is listed to its named users only."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import connection
from django.utils import timezone

from accounts.models import User
from casework import access
from casework.choices import CaseStatus, RiskLevel, ServiceStatus
from casework.models import Case, ServiceRecord
from core import sql


def high_risk_unserved(user: User, *, hours: int = 48, shown: int = 20) -> list[dict[str, Any]]:
    """The oldest ``shown`` open high-risk cases of the user's organisation that the user may open (a restricted
    case only for its named users: access.own_visible), opened more than ``hours`` ago, with no service planned or
    given, each with ``total``: how many there are in all. For that organisation's own eyes: references. The user
    must reach cases (access.may_reach_cases); anyone else gets none."""
    if not access.may_reach_cases(user):
        return []
    since = connection.ops.adapt_datetimefield_value(timezone.now() - timedelta(hours=hours))
    visible, visible_params = access.own_visible(user, "c")
    statement = (
        f"SELECT c.id, c.reference, c.created_at, COUNT(*) OVER () FROM {sql.table(Case)} c"  # noqa: S608
        f" WHERE c.owner_id = %s AND c.risk_level = {sql.literal(RiskLevel.HIGH)}"
        f" AND NOT c.status = {sql.literal(CaseStatus.CLOSED)} AND c.created_at <= %s AND {visible}"
        f" AND NOT EXISTS (SELECT 1 FROM {sql.table(ServiceRecord)} r WHERE r.case_id = c.id"
        f" AND NOT r.status = {sql.literal(ServiceStatus.CANCELLED)})"
        f" ORDER BY c.created_at, c.id LIMIT {sql.literal(shown)}"
    )
    params = [user.membership.organisation_id, since, *visible_params]
    return [
        {"id": sql.as_uuid(pk), "reference": reference, "created_at": sql.as_aware(created_at), "total": total}
        for pk, reference, created_at, total in sql.rows(statement, params, generic=True)
    ]
