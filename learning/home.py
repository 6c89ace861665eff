"""The home page's learning panel, for every role: the newest practices of the good-practice library, and for
coordinators how many items wait for their review. Registered from learning's AppConfig.ready()."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from accounts.choices import Role
from accounts.models import User
from core import sql
from learning.choices import Status
from learning.models import Document, Practice

HOME_SHOWN = 3


def home_panel(user: User) -> dict[str, Any]:
    """The home page's learning panel: the three latest practices; for coordinators, how many items wait for them."""
    # The newest three among the pinned and among the others, each read along learning_practice_list_idx (status,
    # pinned, published_at), then the newest three of those six: ordered by the date alone, the database sorted
    # every published practice to find three. Written out (core/sql.py): the ORM's union cost more to build than
    # to run, on a page every member opens.
    published, shown = sql.literal(Status.PUBLISHED), sql.literal(HOME_SHOWN)  # constants written in (sql.literal)
    newest = (
        f"SELECT id, title, published_at FROM {sql.table(Practice)}"  # noqa: S608 (names, not values)
        f" WHERE status = {published} AND pinned = %s ORDER BY published_at DESC, id DESC LIMIT {shown}"
    )
    statement = (
        f"SELECT * FROM ({newest}) AS pinned UNION ALL SELECT * FROM ({newest}) AS others"  # noqa: S608
        f" ORDER BY published_at DESC, id DESC LIMIT {shown}"
    )
    params = [True, False]
    latest = [
        {"pk": sql.as_uuid(pk), "title": title, "published_at": sql.as_aware(published_at)}
        for pk, title, published_at in sql.rows(statement, params)
    ]
    waiting = 0
    if user.role == Role.COORDINATOR:
        waiting = (
            Practice.objects.filter(status=Status.IN_REVIEW).count()
            + Document.objects.filter(status=Status.IN_REVIEW).count()
        )
    return {"latest": latest, "waiting": waiting}


def panel_data(request: HttpRequest) -> dict[str, Any]:
    return home_panel(request.user)  # type: ignore[arg-type]
