"""The 38 province shapes of the national map, read once from network/data/provinces-38-light.svg (MIT, see the
README beside it)."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

SVG = Path(__file__).resolve().parent / "data" / "provinces-38-light.svg"
VIEWBOX = "0 0 928 346"
_PATH = re.compile(r'<path id="prov-(\d{2})" data-kode="(\d{2})" d="([^"]+)">')


@cache
def shapes() -> dict[str, str]:
    """Province code -> SVG path data."""
    return {code: d for _id, code, d in _PATH.findall(SVG.read_text(encoding="utf-8"))}
