"""The committed, trimmed Bootstrap (static/vendor/bootstrap/bootstrap.purged.min.css, built by `make css` with
PurgeCSS from the npm registry) holds every Bootstrap class the templates, our script and the Python name: a class
added to a page without running `make css` again fails here, without npm at test time."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENDOR = ROOT / "static" / "vendor" / "bootstrap"
APPS = ["core", "accounts", "notifications", "audit", "casework", "referrals", "network", "learning"]


def content_words() -> set[str]:
    files = [*ROOT.glob("templates/**/*.html"), *ROOT.glob("static/jejaring/*.js")]
    for app in APPS:
        files += [p for p in (ROOT / app).rglob("*.py") if "migrations" not in p.parts]
    words: set[str] = set()
    for path in files:
        words |= set(re.findall(r"[A-Za-z0-9_-]+", path.read_text(encoding="utf-8")))  # PurgeCSS's default extractor
    return words


def standalone_classes(css: str) -> set[str]:
    """Classes that have a rule of their own (``.x{``, ``.x,`` or ``.x:hover``), not only inside another's."""
    return set(re.findall(r"(?:^|[{},])\.([A-Za-z][\w-]*)(?=[{,:])", css))


def test_every_class_the_pages_use_is_in_the_trimmed_css():
    full = standalone_classes((VENDOR / "bootstrap.min.css").read_text(encoding="utf-8"))
    trimmed = (VENDOR / "bootstrap.purged.min.css").read_text(encoding="utf-8")
    kept = set(re.findall(r"\.([A-Za-z][\w-]*)", trimmed))
    missing = sorted(name for name in content_words() & full if name not in kept)
    assert missing == [], "run `make css` to rebuild static/vendor/bootstrap/bootstrap.purged.min.css"


def test_the_pages_load_the_trimmed_css_and_it_is_much_smaller(client):
    from core.templatetags.shell import shell_assets

    head = str(shell_assets())  # the shell's stylesheets (templates/base.html writes them with this tag)
    assert "{% shell_assets %}" in (ROOT / "templates" / "base.html").read_text(encoding="utf-8")
    assert "bootstrap.purged.min.css" in head and "bootstrap.min.css" not in head
    assert "bootstrap.purged.min.css" in client.get("/accounts/sign-in/").content.decode()
    assert (VENDOR / "bootstrap.purged.min.css").stat().st_size < (VENDOR / "bootstrap.min.css").stat().st_size / 2
