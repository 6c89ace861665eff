"""The Indonesian catalogue is complete, has no fuzzy entry, covers every string in the code, and is compiled."""

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "locale" / "id" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")


def catalogue():
    return polib.pofile(str(PO))


def test_every_indonesian_entry_is_translated_and_none_is_fuzzy():
    po = catalogue()
    assert not po.metadata_is_fuzzy
    assert [e.msgid for e in po.untranslated_entries()] == []
    assert [e.msgid for e in po.fuzzy_entries()] == []
    assert [e.msgid for e in po.obsolete_entries()] == []


def test_the_compiled_catalogue_matches_the_po_file():
    po = {
        (e.msgctxt, e.msgid): (e.msgstr, tuple(sorted(e.msgstr_plural.items())))
        for e in catalogue().translated_entries()
    }
    mo = {(e.msgctxt, e.msgid): (e.msgstr, tuple(sorted(e.msgstr_plural.items()))) for e in polib.mofile(str(MO))}
    mo.pop((None, ""), None)
    assert po == mo, "run `make messages` to recompile locale/id"


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="needs gettext: apt-get install gettext")
def test_every_translatable_string_in_the_code_is_in_the_catalogue(tmp_path):
    apps = sorted(path.parent.name for path in ROOT.glob("*/apps.py"))
    for name in [*apps, "config", "templates", "static", "locale", "manage.py"]:
        source = ROOT / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, tmp_path / name)
    result = subprocess.run(
        [sys.executable, "manage.py", "makemessages", "--locale", "id", "--no-obsolete"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        env={"PATH": "/usr/bin:/bin", "JEJARING_VAR_DIR": str(tmp_path / "var")},
    )
    assert result.returncode == 0, result.stderr
    fresh = polib.pofile(str(tmp_path / "locale" / "id" / "LC_MESSAGES" / "django.po"))
    missing = sorted(e.msgid for e in fresh.untranslated_entries())
    assert missing == [], "strings not yet in locale/id (run `make messages` and translate them)"
