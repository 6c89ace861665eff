"""An access-log entry placed in its chain inside a transaction and written by the service's own statement
(audit.access_log.placed with core.rows.insert)."""

import pytest
from django.db import transaction

from audit import access_log, verification
from audit.models import AccessLog
from core import rows


def chain_seqs(actor):
    return list(AccessLog.objects.filter(actor=actor).order_by("chain", "seq").values_list("chain", "seq", "detail"))


@pytest.mark.django_db
def test_a_placed_entry_written_with_the_services_rows_joins_its_chain(alice):
    first = access_log.record(AccessLog.Event.SEARCHED, actor=alice, detail="results=1")
    with transaction.atomic():
        entry = access_log.placed(AccessLog.Event.DUPLICATE_CHECKED, actor=alice, detail="matches=0")
        assert entry.pk is None and not AccessLog.objects.filter(detail="matches=0").exists()  # placed, not written
        rows.insert([entry])
    after = access_log.record(AccessLog.Event.SEARCHED, actor=alice, detail="results=2")
    written = AccessLog.objects.get(detail="matches=0")
    assert (written.chain, written.seq, written.prev_hash) == (first.chain, first.seq + 1, first.hash)
    assert written.hash == entry.hash and written.organisation == alice.organisation
    assert (after.seq, after.prev_hash) == (written.seq + 1, written.hash)
    assert verification.verify_chain().ok


@pytest.mark.django_db
def test_a_placed_entry_never_written_leaves_its_place_to_the_next(alice):
    first = access_log.record(AccessLog.Event.SEARCHED, actor=alice, detail="results=1")
    with transaction.atomic():
        access_log.placed(AccessLog.Event.DUPLICATE_CHECKED, actor=alice, detail="matches=0")
        nxt = access_log.record(AccessLog.Event.SEARCHED, actor=alice, detail="results=2")
    assert nxt.seq == first.seq + 1
    assert not AccessLog.objects.filter(detail="matches=0").exists()
    assert verification.verify_chain().ok


@pytest.mark.django_db(transaction=True)
def test_an_entry_is_placed_only_inside_a_transaction(alice):
    with pytest.raises(transaction.TransactionManagementError):
        access_log.placed(AccessLog.Event.DUPLICATE_CHECKED, actor=alice, detail="matches=0")
    assert not AccessLog.objects.exists()
