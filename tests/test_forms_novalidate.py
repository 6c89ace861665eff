"""The browser's own validation bubbles speak the browser's language, not the page's: every form with a field that
the browser would check (required, a maximum length, a type) says ``novalidate``, so the server's messages, in the
user's language, are the ones shown beside the fields."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHECKED = re.compile(r"\brequired\b|as_field_group|includes/fields\.html|\{% for field in form|\{\{ form\.")


def test_every_form_with_checked_fields_says_novalidate():
    missing = []
    for path in sorted((ROOT / "templates").rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        for match in re.finditer(r"<form\b([^>]*)>(.*?)</form>", text, re.S):
            attributes, body = match.groups()
            if 'method="get"' in attributes:
                continue
            if CHECKED.search(body) and "novalidate" not in attributes:
                missing.append(f"{path.relative_to(ROOT)}: <form{attributes[:60]}>")
    assert missing == []
