"""django-simple-history, told who acted: the one way services name the actor of a change they save."""

from __future__ import annotations

from typing import Any


def with_actor(instance: Any, actor: Any) -> Any:
    """Record ``actor`` as the history user of the next save of ``instance``. simple-history reads it from this
    attribute when there is no request (tasks, commands), and it wins over the request's user when there is one."""
    instance._history_user = actor
    return instance
