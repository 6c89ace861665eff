"""Django's ``{# … #}`` comment ends at the end of its line: one that goes on to a second line is not a comment, and
the page shows it (internal notes, in English, to every reader). Longer notes use ``{% comment %}``."""

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def test_no_template_comment_runs_over_a_line():
    opened = re.compile(r"\{#(?![^\n]*#\})")
    found = [
        f"{path.relative_to(TEMPLATES)}:{number}"
        for path in sorted(TEMPLATES.rglob("*.html"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if opened.search(line)
    ]
    assert not found, f"a {{# comment #}} must close on its own line (use {{% comment %}}): {found}"
