"""The tables every intake, referral and logged page writes carry no index that nothing reads: each costs every
insert (core.rows). A foreign key that begins a composite index has no index of its own; a historical table is
read by its record's id (and its case or referral), by date and by user only (casework.history, audit.selectors)."""

from __future__ import annotations

import pytest
from django.db import connection

from audit.models import AccessLog
from casework.models import BlindIndex, Case, Consent
from referrals.models import Referral, ReferralEvent

pytestmark = pytest.mark.django_db

HISTORY_READ_BY = {"history_id", "id", "history_date", "history_user_id", "case_id", "referral_id"}


def _indexed(model) -> list[list[str]]:
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, model._meta.db_table)
    return [c["columns"] for c in found.values() if (c["index"] or c["unique"] or c["primary_key"]) and c["columns"]]


@pytest.mark.parametrize("model", [Case, Consent, Referral, ReferralEvent])
def test_a_historical_table_indexes_only_what_history_is_read_by(model):
    history = model.history.model
    single = {columns[0] for columns in _indexed(history) if len(columns) == 1}
    assert single <= HISTORY_READ_BY, sorted(single - HISTORY_READ_BY)
    assert {"id", "history_date"} <= single  # a record's history, and the audit's newest changes first


@pytest.mark.parametrize(
    ("model", "column"),
    [
        (Case, "owner_id"),
        (BlindIndex, "case_id"),
        (Referral, "from_org_id"),
        (Referral, "to_org_id"),
        (AccessLog, "actor_id"),
    ],
)
def test_a_key_that_begins_a_composite_index_has_none_of_its_own(model, column):
    indexed = _indexed(model)
    assert [column] not in indexed
    assert any(len(columns) > 1 and columns[0] == column for columns in indexed), indexed
    with connection.cursor() as cursor:  # the index alone went (core.indexes): the foreign key stays
        found = connection.introspection.get_constraints(cursor, model._meta.db_table)
    assert any(c["foreign_key"] and c["columns"] == [column] for c in found.values())
