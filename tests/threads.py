"""Concurrent writers for the tests that need real ones (PostgreSQL's row and advisory locks, SQLite's one writer)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import Any

from django.db import connection


def at_once(work: Callable[[Any], object], arguments: Iterable[Any], *, timeout: float = 180) -> list[Exception]:
    """Run ``work(argument)`` for each argument in a thread of its own (each with its own database connection), all
    released together, and wait for them: the errors they raised, none expected."""
    arguments = list(arguments)
    start = threading.Barrier(len(arguments))
    errors: list[Exception] = []

    def run(argument: Any) -> None:
        try:
            start.wait()
            work(argument)
        except Exception as error:  # surfaced to the test
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(argument,)) for argument in arguments]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    return errors
