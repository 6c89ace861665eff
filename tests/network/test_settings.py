"""Production refuses a disclosure threshold below CTDC's k = 11."""

from tests.accounts.test_settings import PRODUCTION, run


def test_production_refuses_k_below_11():
    result = run({**PRODUCTION, "JEJARING_DISCLOSURE_K": "10"}, "check")
    assert result.returncode != 0
    assert "JEJARING_DISCLOSURE_K" in result.stderr


def test_production_accepts_k_of_11_or_more():
    assert run({**PRODUCTION, "JEJARING_DISCLOSURE_K": "11"}, "check").returncode == 0


def test_the_default_is_11(settings):
    assert settings.JEJARING_DISCLOSURE_K == 11
