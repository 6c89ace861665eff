"""The 38 province shapes of the national map, read once from network/data/provinces-38-light.svg (MIT, see the
README beside it)."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

from django.utils.html import escape
from django.utils.safestring import mark_safe

from core.memo import Memo

SVG = Path(__file__).resolve().parent / "data" / "provinces-38-light.svg"
VIEWBOX = "0 0 928 346"
_PATH = re.compile(r'<path id="prov-(\d{2})" data-kode="(\d{2})" d="([^"]+)">')


@cache
def shapes() -> dict[str, str]:
    """Province code -> SVG path data: numbers, spaces, commas and letters of our own file, marked safe so that a page
    does not escape 117 KB of coordinates on every request."""
    found = {code: d for _id, code, d in _PATH.findall(SVG.read_text(encoding="utf-8"))}
    assert all(re.fullmatch(r"[MZ0-9., -]+", d) for d in found.values()), "unexpected characters in the path data"
    return {code: mark_safe(d) for code, d in found.items()}  # noqa: S308 - checked just above


def province_base() -> str:
    """The path of province pages without the code ("/network/province/"): the map links 38 of them."""
    from django.urls import reverse

    return reverse("network:province", args=["11"]).removesuffix("11/")


_MARKUP: Memo[tuple[str, str]] = Memo()


def markup(view: Any, key: tuple[str, ...]) -> tuple[str, str]:
    """The map's 38 linked paths and the 38 rows of the table beside it, as HTML, kept per (refresh, metric,
    category, period): rendering them through the template language cost more than the rest of the page. Province
    names and figures ("15", "<11") are the same in both languages; every text is escaped here."""

    def build() -> tuple[str, str]:
        base, period, d = province_base(), escape(view.period.code), shapes()
        paths, rows = [], []
        for row in view.provinces:
            href = f"{base}{row.code}/?period={period}"
            name, figure = escape(row.name), escape(str(row.figure))
            paths.append(
                f'<a href="{href}"><path data-province="{row.code}" class="{row.bucket}" d="{d[row.code]}">'
                f"<title>{name}: {figure}</title></path></a>"
            )
            rows.append(
                f'<tr data-province="{row.code}"><th scope="row" class="fw-normal"><a href="{href}">{name}</a></th>'
                f'<td class="text-end">{figure}</td></tr>'
            )
        return mark_safe("\n".join(paths)), mark_safe("\n".join(rows))  # noqa: S308 - escaped

    return _MARKUP.get(key, build)
