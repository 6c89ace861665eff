"""What apps above network add to its pages, without network importing them.

``challenge_origins``: functions ``(user, challenge_ids) -> list[Origin]``, each naming where an approved challenge
came out of (learning fills it with the learning events that recorded the challenge). The challenges register shows
them beside each challenge; network never reads the other app's tables itself.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from core.registry import Hooks


@dataclass(frozen=True)
class Origin:
    challenge_id: Any
    label: str  # e.g. a learning event's title and date: nothing about a person
    url: str


challenge_origins = Hooks()


def origins_of(user: Any, challenge_ids: Iterable[Any]) -> dict[Any, list[Origin]]:
    ids = list(challenge_ids)
    found: dict[Any, list[Origin]] = {}
    if not ids:
        return found
    for origin in challenge_origins.collect(user=user, challenge_ids=ids):
        found.setdefault(origin.challenge_id, []).append(origin)
    return found
