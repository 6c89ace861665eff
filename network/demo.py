"""Demo data for the network pages (filled in below)."""

from __future__ import annotations

from typing import Any


def seed(out: Any) -> None:
    pass
