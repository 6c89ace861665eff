"""Production settings refuse to start without each secret, accept NAME_FILE, and pass Django's deploy checks."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
KEY = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="  # base64 of 32 fictional bytes, for this test only
INDEX_KEY = "aW5kZXgtb25seS1mb3ItdGVzdHMtMDEyMzQ1Njc4OWE="  # 32 fictional bytes, other than KEY
LOG_KEY = "bG9nLWtleS1vbmx5LWZvci10ZXN0cy0wMTIzNDU2Nzg="  # 32 fictional bytes, other than both

PRODUCTION = {
    "DJANGO_ENV": "production",
    "DJANGO_SECRET_KEY": "test-only-Kq8vZ2mXw4Rt7Yp1Ls9Dn3Hb6Jc0Fg5Ue8Ai2Oo4Ee7Uu1Ii3",
    "DATABASE_URL": "postgres://jejaring:secret@db.internal:5432/jejaring",
    "CELERY_BROKER_URL": "redis://redis.internal:6379/0",
    "JEJARING_MASTER_KEYS": KEY,
    "JEJARING_INDEX_KEY": INDEX_KEY,
    "JEJARING_LOG_KEY": LOG_KEY,
    "DJANGO_ALLOWED_HOSTS": "jejaring.example.org",
    "JEJARING_SITE_URL": "https://jejaring.example.org",
    "EMAIL_HOST": "smtp.example.org",
    "DEFAULT_FROM_EMAIL": "Jejaring <no-reply@jejaring.example.org>",
}


def run(env, *args, var_dir="/nonexistent/var"):  # by default: production must never touch the embedded secrets
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "JEJARING_", "DATABASE_", "CELERY_", "EMAIL_"))
    }
    clean.update(env)
    clean["JEJARING_VAR_DIR"] = var_dir
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize("missing", sorted(PRODUCTION.keys() - {"DJANGO_ENV"}))
def test_production_refuses_to_start_without_each_required_value(missing):
    env = {k: v for k, v in PRODUCTION.items() if k != missing}
    result = run(env, "check")
    assert result.returncode != 0
    assert "refuses to start in production without" in result.stderr
    assert missing in result.stderr


def test_production_reads_secrets_from_files(tmp_path):
    env = dict(PRODUCTION)
    for name in ("DJANGO_SECRET_KEY", "JEJARING_MASTER_KEYS", "DATABASE_URL"):
        path = tmp_path / name
        path.write_text(env.pop(name) + "\n")
        env[f"{name}_FILE"] = str(path)
    result = run(env, "check")
    assert result.returncode == 0, result.stderr


def test_production_refuses_sqlite_and_a_broker_other_than_redis():
    assert "PostgreSQL" in run({**PRODUCTION, "DATABASE_URL": "sqlite:///x.db"}, "check").stderr
    assert "Redis" in run({**PRODUCTION, "CELERY_BROKER_URL": "filesystem://"}, "check").stderr


def test_production_refuses_debug_and_demo_mode():
    assert "DJANGO_DEBUG" in run({**PRODUCTION, "DJANGO_DEBUG": "1"}, "check").stderr
    assert "JEJARING_DEMO" in run({**PRODUCTION, "JEJARING_DEMO": "1"}, "check").stderr


def test_a_malformed_number_fails_loudly():
    result = run({**PRODUCTION, "JEJARING_IDLE_TIMEOUT_MINUTES": "half an hour"}, "check")
    assert "JEJARING_IDLE_TIMEOUT_MINUTES must be a whole number" in result.stderr


def test_check_deploy_reports_nothing_in_production():
    result = run(PRODUCTION, "check", "--deploy", "--fail-level", "DEBUG")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_every_variable_read_by_the_settings_is_documented_in_env_example():
    import re

    documented = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", (ROOT / ".env.example").read_text(), re.M))
    source = (ROOT / "config" / "settings.py").read_text()
    read = set(re.findall(r'(?:env|env_bool|env_int|env_list|secret)\(\s*"([A-Z0-9_]+)"', source))
    assert read <= documented, f"undocumented: {sorted(read - documented)}"


@pytest.mark.parametrize(("debug", "expected"), [("1", "True"), ("0", "False")])
def test_demo_hints_are_on_by_default_only_with_debug_on(tmp_path, debug, expected):
    """A server started with DEBUG off but without DJANGO_ENV=production must not show anyone's second factor."""
    shell = "from django.conf import settings; print(settings.DEMO_MODE)"
    result = run({"DJANGO_DEBUG": debug}, "shell", "-c", shell, var_dir=str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == expected


SHORT_KEY = "c2hvcnQta2V5"  # base64 of 9 bytes


@pytest.mark.parametrize(
    ("name", "value", "said"),
    [
        ("JEJARING_MASTER_KEYS", "not base64 at all!", "JEJARING_MASTER_KEYS"),
        ("JEJARING_MASTER_KEYS", SHORT_KEY, "32-byte"),
        ("JEJARING_MASTER_KEYS", f"{KEY},{SHORT_KEY}", "key #2"),
        ("JEJARING_INDEX_KEY", KEY, "JEJARING_INDEX_KEY must not be one of JEJARING_MASTER_KEYS"),
        ("JEJARING_INDEX_KEY", "%%%", "JEJARING_INDEX_KEY"),
        ("JEJARING_LOG_KEY", KEY, "JEJARING_LOG_KEY must not be one of JEJARING_MASTER_KEYS"),
        ("JEJARING_LOG_KEY", INDEX_KEY, "JEJARING_LOG_KEY must not be the same as JEJARING_INDEX_KEY"),
        ("JEJARING_LOG_KEY", SHORT_KEY, "JEJARING_LOG_KEY"),
        ("DJANGO_ALLOWED_HOSTS", "*", "DJANGO_ALLOWED_HOSTS"),
        ("DJANGO_ALLOWED_HOSTS", "jejaring.example.org,*", "DJANGO_ALLOWED_HOSTS"),
        ("JEJARING_SITE_URL", "http://jejaring.example.org", "JEJARING_SITE_URL"),
    ],
)
def test_production_refuses_bad_secrets_naming_the_variable(name, value, said):
    result = run({**PRODUCTION, name: value}, "check")
    assert result.returncode != 0
    assert said in result.stderr, result.stderr[-500:]
    assert "ImproperlyConfigured" in result.stderr
