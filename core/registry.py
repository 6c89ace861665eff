"""The one shape of every registry in Jejaring.

A lower app offers a ``Registry`` (things, each under a key, read in order) or ``Hooks`` (functions to call) and a
``register`` function; higher apps call it from their ``AppConfig.ready()``. Registering the same key again replaces
the entry, so a ``ready()`` that runs twice (tests, autoreload) adds nothing twice.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, Generic, TypeVar

T = TypeVar("T")


class Registry(Generic[T]):
    def __init__(self, *, key: Callable[[T], Any], order: Callable[[T], Any] | None = None) -> None:
        self._key = key
        self._order = order
        self._items: dict[Any, T] = {}

    def register(self, item: T) -> T:
        self._items[self._key(item)] = item
        return item

    def unregister(self, key: Any) -> None:
        self._items.pop(key, None)

    def get(self, key: Any) -> T | None:
        return self._items.get(key)

    def __contains__(self, key: Any) -> bool:
        return key in self._items

    def __iter__(self) -> Iterator[T]:
        items = list(self._items.values())
        return iter(sorted(items, key=self._order) if self._order else items)

    def __len__(self) -> int:
        return len(self._items)


class Hooks(Registry[Callable[..., Any]]):
    """Functions a lower app calls when something happens (``hooks.call(**event)``), each registered once."""

    def __init__(self) -> None:
        super().__init__(key=lambda function: function)

    def call(self, **kwargs: Any) -> None:
        for function in self:
            function(**kwargs)

    def collect(self, **kwargs: Any) -> list[Any]:
        """Each function returns a list; the lists joined (e.g. the reasons a change is refused)."""
        return [item for function in self for item in function(**kwargs)]
