"""django-simple-history, told who acted: the one way services name the actor of a change they save."""

from __future__ import annotations

import functools
from typing import Any

from simple_history.manager import HistoryDescriptor


def with_actor(instance: Any, actor: Any) -> Any:
    """Record ``actor`` as the history user of the next save of ``instance``. simple-history reads it from this
    attribute when there is no request (tasks, commands), and it wins over the request's user when there is one."""
    instance._history_user = actor
    return instance


@functools.cache
def _manager_class(manager_class: Any, queryset_class: Any) -> Any:
    return manager_class.from_queryset(queryset_class)


def _history_manager(self: HistoryDescriptor, instance: Any, owner: Any) -> Any:
    """``Model.history`` and ``instance.history``: simple-history's own descriptor builds a new manager class
    (``from_queryset``, which inspects every method of the queryset) each time it is read, and it is read for every
    historical row saved: three or four a referral's reassignment. The class is made once; the manager, bound to the
    model and the instance, is new each time as before."""
    return _manager_class(self.manager_class, self.queryset_class)(self.model, instance)


def install() -> None:
    """Called once, from core's ready()."""
    setattr(HistoryDescriptor, "__get__", _history_manager)  # noqa: B010 (a descriptor's method, replaced)
