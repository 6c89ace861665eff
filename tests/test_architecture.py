"""The house's rules that import-linter cannot state: no app imports another app's private names, no view reads a
model manager, no module outgrows a sitting, and the layers contract really fails on an upward import."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
APPS = sorted(path.parent.name for path in ROOT.glob("*/apps.py"))


def modules() -> list[Path]:
    return [
        path
        for app in APPS
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.parts and "management" not in path.parts
    ]


def test_no_app_imports_another_apps_private_names():
    found = []
    for path in modules():
        app = path.relative_to(ROOT).parts[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] in APPS:
                other = node.module.split(".")[0]
                private = [alias.name for alias in node.names if alias.name.startswith("_")]
                if other != app and (private or any(part.startswith("_") for part in node.module.split("."))):
                    found.append(f"{path.relative_to(ROOT)}: from {node.module} import {', '.join(private)}")
    assert found == []


def test_no_view_reads_a_model_manager():
    views = [path for path in modules() if path.name == "views.py" or path.parent.name == "views"]
    assert views
    offenders = [str(path.relative_to(ROOT)) for path in views if ".objects" in path.read_text(encoding="utf-8")]
    assert offenders == [], "reads belong in selectors"


def test_no_module_outgrows_a_sitting():
    """About 400 lines at most. config/settings.py is the exception DESIGN.md asks for: one settings file."""
    big = [
        f"{path.relative_to(ROOT)} ({n})"
        for path in [*modules(), *(ROOT / "config").glob("*.py")]
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > 420 and path.name != "settings.py"
    ]
    assert big == []


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_the_layers_contract_fails_on_an_upward_import(tmp_path):
    """A copy of the code with one upward import (core importing casework) breaks the contract."""
    for name in [*APPS, "config", "pyproject.toml", "manage.py"]:
        source = ROOT / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, tmp_path / name)
    (tmp_path / "core" / "upward.py").write_text("from casework import access  # noqa: F401\n")
    linter = Path(sys.executable).parent / "lint-imports"
    broken = subprocess.run([str(linter)], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert broken.returncode != 0
    assert "core.upward -> casework.access" in broken.stdout
    (tmp_path / "core" / "upward.py").unlink()
    kept = subprocess.run([str(linter)], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert kept.returncode == 0, kept.stdout
