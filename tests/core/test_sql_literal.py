"""core.sql.literal writes only the code's own constants into a statement: codes, whole numbers, flags."""

import pytest

from core import sql
from referrals.choices import ReferralStatus


def test_codes_numbers_and_flags_are_written_and_anything_else_refused():
    assert sql.literal(ReferralStatus.SENT) == "'sent'"
    assert sql.literal("legal_aid") == "'legal_aid'"
    assert sql.literal(25) == "25"
    assert sql.literal(True) == "TRUE" and sql.literal(False) == "FALSE"
    for bad in ("x' OR '1'='1", "a b", "", "sent;", "ſent", "1e3'"):
        with pytest.raises(ValueError, match="not a code"):
            sql.literal(bad)
