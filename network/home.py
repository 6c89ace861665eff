"""What the coordinators' home shows: what needs action in the network, and the map."""

from __future__ import annotations

from typing import Any

from accounts.models import User
from network import geo, selectors
from referrals import selectors as referral_selectors


def coordinator_home(user: User) -> dict[str, Any]:
    period = selectors.default_period()
    state = selectors.refresh_state()
    marker = state.marker
    view = selectors.map_view("origin", "", period, marker=marker)
    paths, _rows = geo.markup(view, (marker, str(selectors.rule()), "origin", "", period.code))
    return {
        "actions": [
            ("overdue", referral_selectors.overdue_referrals_count(), "referrals:queue", "?status=sent&overdue=on"),
            (
                "declined",
                referral_selectors.declined_awaiting_reassignment_count(),
                "referrals:queue",
                "?status=declined",
            ),
            ("needs", selectors.needs_awaiting(user).count(), "network:needs", ""),
            ("challenges", selectors.challenges_awaiting(user).count(), "network:challenges", ""),
            ("capacity", selectors.stale_capacity_count(), "network:capacity", ""),
        ],
        "map": view,
        "map_paths": paths,
        "viewbox": geo.VIEWBOX,
        "metric_label": selectors.METRICS["origin"],
        "category_label": "",
        "last_refresh": state.last,
    }
