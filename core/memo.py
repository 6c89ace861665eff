"""A small bounded memo, per process, for what is the same for everyone who asks with the same key (network figures
protected under the disclosure rule, markup rendered from them). When full it is emptied and fills again: the keys
name a refresh, so the old ones are of no use once a refresh is done. Never for anything about a user or a case."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

from django.utils.translation import get_language

T = TypeVar("T")


class Memo(Generic[T]):
    def __init__(self, size: int = 256) -> None:
        self._found: dict[Hashable, T] = {}
        self._size = size

    def get(self, key: Hashable, build: Callable[[], T]) -> T:
        """The value kept under ``key``, built (and kept) first if there is none."""
        found = self._found.get(key)
        if found is None:
            if len(self._found) >= self._size:
                self._found.clear()
            found = self._found[key] = build()
        return found


class Derived(Generic[T]):
    """What is derived, per language, from an object another memo keeps (the same object for every request until
    the next refresh: a table of network figures): markup or sentences built once. Kept by the object's identity,
    the object held with its value, so that a new object at an old one's address is never given the old value."""

    def __init__(self, size: int = 64) -> None:
        self._found: dict[tuple[int, str | None], tuple[object, T]] = {}
        self._size = size

    def get(self, source: object, build: Callable[[], T]) -> T:
        key = (id(source), get_language())
        found = self._found.get(key)
        if found is not None and found[0] is source:
            return found[1]
        if len(self._found) >= self._size:
            self._found.clear()
        value = build()
        self._found[key] = (source, value)
        return value
