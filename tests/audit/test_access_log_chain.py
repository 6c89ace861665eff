"""The access log is append-only in the database (UPDATE, DELETE, INSERT OR REPLACE and TRUNCATE refused), its
chains are keyed with a secret kept out of the database, and verification finds every kind of tampering by someone
who can write the database but does not hold JEJARING_LOG_KEY: a deleted, edited, reordered, inserted or forged entry,
a truncated or rewritten tail, anchors rewritten or deleted. Runs on SQLite and PostgreSQL (DATABASE_URL)."""

import hashlib
import json

import pytest
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command
from django.db import DatabaseError, IntegrityError, connection, transaction

from audit import access_log, guards, verification
from audit import chain as keyed
from audit.models import AccessLog, AccessLogAnchor, AccessLogVerification
from tests.threads import at_once


def write(n, actor=None):
    for i in range(n):
        access_log.record(AccessLog.Event.SEARCHED, actor=actor, detail=f"results={i}")


def own_chain(organisation_id):
    """The chain this test's database session writes an organisation's entries to (one of its shards)."""
    return keyed.chain_of(organisation_id, access_log._shard())


def behind_the_apps_back(sql, params=()):
    """Run SQL with every guard lifted, as someone with the database owner's rights could."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        with guards.lifted(connection):
            cursor.execute(sql, params)


def unkeyed(entry, prev):
    """What a forger without the key can compute: the old unkeyed SHA-256 over the same content."""
    payload = keyed.entry_payload(entry, prev)
    return hashlib.sha256(json.dumps(payload, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def problem():
    result = verification.verify_chain()
    assert not result.ok
    return result


# --- The database's guards -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_database_refuses_to_edit_or_delete_an_entry(alice):
    write(2, alice)
    entry = AccessLog.objects.first()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AccessLog.objects.filter(pk=entry.pk).update(detail="results=999")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AccessLog.objects.filter(pk=entry.pk).delete()
    assert AccessLog.objects.count() == 2


COLUMNS = "id, at, event, object_type, object_ref, detail, chain, seq, prev_hash, hash"


@pytest.mark.django_db
def test_an_insert_or_replace_over_an_entry_is_refused(alice):
    write(3, alice)
    entry = AccessLog.objects.order_by("id")[1]
    values = [entry.pk, entry.at, "searched", "", "", "results=0", entry.chain, entry.seq, entry.prev_hash, "f" * 64]
    marks = ", ".join(["%s"] * len(values))
    if connection.vendor == "sqlite":
        statements = [
            f"INSERT OR REPLACE INTO audit_accesslog ({COLUMNS}) VALUES ({marks})",
            f"REPLACE INTO audit_accesslog ({COLUMNS}) VALUES ({marks})",
        ]
        for sql in statements:
            with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as c:
                c.execute(sql, values)
    upsert = f"INSERT INTO audit_accesslog ({COLUMNS}) VALUES ({marks}) ON CONFLICT (id) DO UPDATE SET detail = excluded.detail"
    with pytest.raises((DatabaseError, IntegrityError)), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(upsert, values)
    # Another id on an existing place of the chain is refused too.
    values[0] = entry.pk + 1000
    with pytest.raises((DatabaseError, IntegrityError)), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO audit_accesslog ({COLUMNS}) VALUES ({marks})", values)
    entry.refresh_from_db()
    assert entry.detail == "results=1" and AccessLog.objects.count() == 3
    assert verification.verify_chain().ok


@pytest.mark.django_db
@pytest.mark.postgres
def test_truncate_is_refused_on_postgresql(alice):
    if connection.vendor != "postgresql":
        pytest.fail("run with DATABASE_URL pointing to PostgreSQL")
    write(2, alice)
    access_log.anchor_write()
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # as a TRUNCATE in a transaction of its own would see it
    for table in guards.TABLES:
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {table}")
    assert AccessLog.objects.count() == 2


@pytest.mark.django_db
def test_anchors_cannot_be_edited_or_deleted(alice):
    write(1, alice)
    anchor = access_log.anchor_write()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AccessLogAnchor.objects.filter(pk=anchor.pk).update(signature="0" * 64)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AccessLogAnchor.objects.filter(pk=anchor.pk).delete()


# --- Verification ----------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_intact_log_is_verified_and_anchored(alice, bob, capsys):
    write(15, alice)
    write(10, bob)
    write(3)
    call_command("verify_access_log")
    assert "28 entries" in capsys.readouterr().out
    assert AccessLogVerification.objects.get().ok
    anchor = AccessLogAnchor.objects.get()
    chains = {str(own_chain(alice.organisation.pk)): 15, str(own_chain(bob.organisation.pk)): 10, str(own_chain(0)): 3}
    assert {chain: head[0] for chain, head in anchor.heads.items()} == chains


@pytest.mark.django_db
def test_each_organisation_has_its_own_chain(alice, anna, bob):
    write(2, alice)
    write(2, bob)
    write(1, anna)
    rows = list(AccessLog.objects.order_by("id").values_list("chain", "seq"))
    a, b = own_chain(alice.organisation.pk), own_chain(bob.organisation.pk)
    assert rows == [(a, 1), (a, 2), (b, 1), (b, 2), (a, 3)]


@pytest.mark.django_db
def test_an_edited_entry_is_found(alice):
    write(10, alice)
    target = AccessLog.objects.order_by("id")[4]
    behind_the_apps_back("UPDATE audit_accesslog SET detail = %s WHERE id = %s", ["results=0", target.pk])
    with pytest.raises(CommandError, match=f"at entry {target.pk}"):
        call_command("verify_access_log")


@pytest.mark.django_db
def test_an_edited_entry_with_the_chain_and_anchor_rewritten_without_the_key_is_found(alice):
    write(6, alice)
    assert verification.verify_chain().ok  # an anchor now holds the head
    rows = list(AccessLog.objects.order_by("seq"))
    # The forger changes entry 3 and re-hashes it and every later entry the old, unkeyed way...
    prev = rows[1].hash
    for row in rows[2:]:
        detail = "results=999" if row.seq == 3 else row.detail
        row.detail = detail
        digest = unkeyed(row, prev)
        behind_the_apps_back(
            "UPDATE audit_accesslog SET detail = %s, prev_hash = %s, hash = %s WHERE id = %s",
            [detail, prev, digest, row.pk],
        )
        prev = digest
    # ...and rewrites the anchor's heads to match, with an unkeyed signature.
    anchor = AccessLogAnchor.objects.get()
    heads = {chain: [seq, prev] for chain, (seq, _digest) in anchor.heads.items()}
    forged = hashlib.sha256(json.dumps(heads, sort_keys=True).encode()).hexdigest()
    behind_the_apps_back(
        "UPDATE audit_accessloganchor SET heads = %s, signature = %s WHERE id = %s",
        [json.dumps(heads), forged, anchor.pk],
    )
    assert problem().first_broken_id == rows[2].pk


@pytest.mark.django_db
def test_a_rewritten_anchor_alone_is_found(alice):
    write(3, alice)
    access_log.anchor_write()
    anchor = AccessLogAnchor.objects.get()
    behind_the_apps_back("UPDATE audit_accessloganchor SET signature = %s WHERE id = %s", ["0" * 64, anchor.pk])
    assert f"anchor {anchor.pk}" in problem().problem


@pytest.mark.django_db
def test_a_deleted_entry_is_found(alice):
    write(10, alice)
    rows = list(AccessLog.objects.order_by("id"))
    behind_the_apps_back("DELETE FROM audit_accesslog WHERE id = %s", [rows[3].pk])
    result = problem()
    assert result.first_broken_id == rows[4].pk and "missing" in result.problem


@pytest.mark.django_db
def test_reordered_entries_are_found(alice):
    write(6, alice)
    rows = list(AccessLog.objects.order_by("id"))
    # Swap the places of entries 2 and 3 in the chain.
    behind_the_apps_back("UPDATE audit_accesslog SET seq = 1000 WHERE id = %s", [rows[1].pk])
    behind_the_apps_back("UPDATE audit_accesslog SET seq = 2 WHERE id = %s", [rows[2].pk])
    behind_the_apps_back("UPDATE audit_accesslog SET seq = 3 WHERE id = %s", [rows[1].pk])
    assert problem().first_broken_id in {rows[1].pk, rows[2].pk}


@pytest.mark.django_db
def test_an_inserted_entry_is_found(alice):
    write(5, alice)
    rows = list(AccessLog.objects.order_by("seq"))
    # Make room after entry 2 and insert a fabricated entry there, hashed the unkeyed way.
    for row in reversed(rows[2:]):
        behind_the_apps_back("UPDATE audit_accesslog SET seq = seq + 1 WHERE id = %s", [row.pk])
    fake = AccessLog(at=rows[1].at, event="searched", detail="results=7", chain=rows[1].chain, seq=3)
    fake.hash = unkeyed(fake, rows[1].hash)
    behind_the_apps_back(
        f"INSERT INTO audit_accesslog ({COLUMNS}) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
        [rows[-1].pk + 100, fake.at, "searched", "", "", "results=7", fake.chain, 3, rows[1].hash, fake.hash],
    )
    assert not verification.verify_chain().ok


@pytest.mark.django_db
def test_a_forged_entry_appended_with_a_correct_unkeyed_hash_is_found(alice):
    write(4, alice)
    last = AccessLog.objects.order_by("-seq").first()
    fake = AccessLog(at=last.at, event="searched", detail="results=0", chain=last.chain, seq=last.seq + 1)
    # Through the ORM, as the application would (no guard stops an INSERT): only the key tells it apart.
    fake.prev_hash = last.hash
    fake.hash = unkeyed(fake, last.hash)
    fake.save(force_insert=True)
    assert problem().first_broken_id == fake.pk


@pytest.mark.django_db
def test_a_truncated_tail_is_found_at_the_anchor(alice):
    write(10, alice)
    assert verification.verify_chain().ok
    last = AccessLog.objects.order_by("-id").first()
    behind_the_apps_back("DELETE FROM audit_accesslog WHERE id = %s", [last.pk])
    assert "are gone" in problem().problem


@pytest.mark.django_db
def test_deleted_anchors_are_found_from_the_anchor_file(alice, settings, tmp_path):
    settings.JEJARING_LOG_ANCHOR_FILE = str(tmp_path / "anchors.log")
    write(5, alice)
    with transaction.atomic():
        pass
    assert verification.verify_chain().ok
    # on_commit callbacks run at once outside a transaction; in a test transaction, run them by hand.
    lines = (tmp_path / "anchors.log").read_text().splitlines() if (tmp_path / "anchors.log").exists() else []
    if not lines:
        access_log._publish(AccessLogAnchor.objects.get())
        lines = (tmp_path / "anchors.log").read_text().splitlines()
    assert len(lines) == 1 and json.loads(lines[0])["sig"] == AccessLogAnchor.objects.get().signature
    # The tail and every anchor go, behind the application's back: the file still knows.
    last = AccessLog.objects.order_by("-id").first()
    behind_the_apps_back("DELETE FROM audit_accesslog WHERE id = %s", [last.pk])
    behind_the_apps_back("DELETE FROM audit_accessloganchor")
    assert "missing from it" in problem().problem


@pytest.mark.django_db
def test_deleted_anchors_are_found_from_the_shipped_log_line(alice, tmp_path, caplog):
    write(5, alice)
    anchor = access_log.anchor_write()
    line = f"2026-12-01 10:00:00 INFO jejaring.audit.anchor access-log anchor {access_log.anchor_line(anchor)}"
    behind_the_apps_back("DELETE FROM audit_accessloganchor")
    shipped = tmp_path / "shipped.log"
    shipped.write_text(line + "\n")
    with pytest.raises(CommandError, match="missing from it"):
        call_command("verify_access_log", anchors_from=[str(shipped)])


@pytest.mark.django_db
def test_an_anchor_line_forged_without_the_key_is_refused(alice, tmp_path):
    write(2, alice)
    anchor = access_log.anchor_write()
    forged = json.loads(access_log.anchor_line(anchor))
    forged["heads"] = {"0": [99, "0" * 64]}
    shipped = tmp_path / "shipped.log"
    shipped.write_text(json.dumps(forged) + "\n")
    with pytest.raises(CommandError, match="not signed by the log key"):
        call_command("verify_access_log", anchors_from=[str(shipped)])


@pytest.mark.django_db
def test_the_anchor_is_published_to_the_application_log(alice, caplog, django_capture_on_commit_callbacks):
    write(2, alice)
    with caplog.at_level("INFO", logger="jejaring.audit.anchor"), django_capture_on_commit_callbacks(execute=True):
        anchor = access_log.anchor_write()
    assert access_log.anchor_line(anchor) in caplog.text


@pytest.mark.django_db
def test_the_chain_key_is_not_in_the_database(alice, settings):
    write(3, alice)
    assert verification.verify_chain().ok
    settings.JEJARING_LOG_KEY = "b3RoZXIta2V5LW9ubHktZm9yLXRoaXMtdGVzdC0wMTI="  # another key: nothing verifies
    assert not verification.verify_chain().ok


def chains_of(organisation):
    """{chain: [seq, ...]} of an organisation's entries, each chain's seqs in order."""
    found = {}
    rows = AccessLog.objects.filter(organisation=organisation).order_by("chain", "seq").values_list("chain", "seq")
    for chain, seq in rows:
        found.setdefault(chain, []).append(seq)
    return found


def assert_whole(organisation, count):
    """The organisation's ``count`` entries, on its own chains only, each chain from 1 without a gap or a fork."""
    chains = chains_of(organisation)
    assert sum(len(seqs) for seqs in chains.values()) == count, "no lost entry"
    for chain, seqs in chains.items():
        assert keyed.organisation_of_chain(chain) == organisation.pk
        assert chain >> keyed.SHARD_BITS < django_settings.JEJARING_LOG_CHAINS
        assert seqs == list(range(1, len(seqs) + 1)), "no gap, no fork"
    return chains


@pytest.mark.django_db(transaction=True)
def test_two_writers_at_once_leave_valid_chains(alice, bob, anna):
    errors = at_once(lambda actor: write(40, actor), (alice, bob, anna), timeout=120)
    assert errors == []
    assert AccessLog.objects.filter(event=AccessLog.Event.SEARCHED).count() == 120
    assert_whole(alice.organisation, 80)
    assert_whole(bob.organisation, 40)
    assert verification.verify_chain().ok


@pytest.mark.postgres
@pytest.mark.django_db
def test_an_entry_joins_the_chain_of_its_organisation_and_database_session(alice, bob, settings):
    """On PostgreSQL an organisation's entries are spread over JEJARING_LOG_CHAINS chains by database session (its
    backend's process id): one session's entries stay on one chain; with one chain, the organisation's id."""
    if connection.vendor != "postgresql":
        pytest.fail("run with DATABASE_URL pointing to PostgreSQL")
    shard = connection.connection.info.backend_pid % settings.JEJARING_LOG_CHAINS
    entries = [access_log.record(AccessLog.Event.SEARCHED, actor=actor) for actor in (alice, bob, alice)]
    assert [entry.chain for entry in entries] == [
        keyed.chain_of(alice.organisation.pk, shard),
        keyed.chain_of(bob.organisation.pk, shard),
        keyed.chain_of(alice.organisation.pk, shard),
    ]
    assert entries[0].chain == alice.organisation.pk + (shard << 32)
    settings.JEJARING_LOG_CHAINS = 1
    assert access_log.record(AccessLog.Event.SEARCHED, actor=alice).chain == alice.organisation.pk
    assert verification.verify_chain().ok


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_on_postgresql_lose_nothing_and_do_not_wait_across_organisations(alice, bob, anna, cecep):
    if connection.vendor != "postgresql":
        pytest.fail("run with DATABASE_URL pointing to PostgreSQL")

    def run(actor):
        for i in range(50):
            with transaction.atomic():
                access_log.record(AccessLog.Event.CASE_VIEWED, actor=actor, detail=f"n={i}")

    assert at_once(run, (alice, bob, anna, cecep)) == []
    assert AccessLog.objects.count() == 200
    assert verification.verify_chain().ok


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_of_one_chain_outside_a_transaction_lose_nothing(alice, anna, settings):
    """Four threads of one organisation writing in step to its one chain, each entry its own transaction: no entry
    lost, no fork, times in order along the chain, no writer refused."""
    if connection.vendor != "postgresql":
        pytest.fail("run with DATABASE_URL pointing to PostgreSQL")
    settings.JEJARING_LOG_CHAINS = 1
    assert at_once(lambda actor: write(60, actor), (alice, anna, alice, anna)) == []
    rows = list(AccessLog.objects.filter(chain=alice.organisation.pk).order_by("seq").values_list("seq", "at"))
    assert [seq for seq, _at in rows] == list(range(1, 241)), "no lost entry, no fork"
    assert [at for _seq, at in rows] == sorted(at for _seq, at in rows), "times never go back along a chain"
    assert verification.verify_chain().ok


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_of_one_organisation_on_its_chains_lose_nothing(alice, anna, settings):
    """The same on the organisation's several chains, the writers inside transactions and outside: every entry on
    one of its chains, each chain whole and in time order, the whole log verified."""
    if connection.vendor != "postgresql":
        pytest.fail("run with DATABASE_URL pointing to PostgreSQL")
    settings.JEJARING_LOG_CHAINS = 4

    def inside(actor):
        for i in range(30):
            with transaction.atomic():
                access_log.record(AccessLog.Event.CASE_VIEWED, actor=actor, detail=f"n={i}")

    assert at_once(lambda actor: write(30, actor) or inside(actor), (alice, anna, alice, anna)) == []
    for chain in assert_whole(alice.organisation, 240):
        times = list(AccessLog.objects.filter(chain=chain).order_by("seq").values_list("at", flat=True))
        assert times == sorted(times), "times never go back along a chain"
    assert verification.verify_chain().ok


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_an_entry_written_on_its_own_is_rolled_back_whole_when_it_fails(alice, monkeypatch, settings):
    """Outside a transaction an entry is its own (access_log._append_alone: BEGIN, the lock, the read, the insert
    and COMMIT in two round trips): a failure before COMMIT leaves no entry, no open transaction and no lock held."""
    from psycopg.pq import TransactionStatus

    settings.JEJARING_LOG_CHAINS = 1  # one chain: the other connection below must wait for its lock if it is held
    before = AccessLog.objects.count()
    first = access_log.record(AccessLog.Event.SEARCHED, actor=alice)
    assert AccessLog.objects.get(pk=first.pk).hash == first.hash and first.seq >= 1

    def broken(entry, prev_hash):
        raise RuntimeError("the key is not at hand")

    monkeypatch.setattr(access_log, "entry_digest", broken)
    with pytest.raises(RuntimeError):
        access_log.record(AccessLog.Event.SEARCHED, actor=alice)
    assert connection.connection.info.transaction_status == TransactionStatus.IDLE
    monkeypatch.undo()
    assert at_once(lambda actor: write(3, actor), (alice,)) == []  # another connection takes the chain's turn
    again = access_log.record(AccessLog.Event.SEARCHED, actor=alice)
    assert AccessLog.objects.count() == before + 1 + 3 + 1
    assert again.seq == first.seq + 4 and verification.verify_chain().ok


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_an_entry_on_its_own_keeps_any_text_as_it_is_and_a_refused_insert_ends_its_transaction(alice, monkeypatch):
    """The insert and COMMIT go as one text with the values quoted by psycopg (a ClientCursor): quotes, a
    semicolon, a backslash and a percent sign in a detail are stored as they were, nothing of them run; an insert
    the database refuses (a place already taken in the chain) raises, and leaves no transaction open."""
    from django.db import IntegrityError
    from psycopg.pq import TransactionStatus

    odd = 'x\'); DELETE FROM audit_accesslog; -- \\ 100% "quoted"'
    entry = access_log.record(AccessLog.Event.SEARCHED, actor=alice, detail=odd)
    stored = AccessLog.objects.get(pk=entry.pk)
    assert stored.detail == odd and stored.hash == entry.hash and AccessLog.objects.count() >= 1
    taken = access_log._placed

    def reused(entry, last, statements):  # the previous entry's place again: the unique (chain, seq) refuses it
        values = taken(entry, last, statements)
        entry.seq = last[0]
        return [
            entry.seq if field.name == "seq" else value for field, value in zip(statements.fields, values, strict=True)
        ]

    monkeypatch.setattr(access_log, "_placed", reused)
    with pytest.raises(IntegrityError):
        access_log.record(AccessLog.Event.SEARCHED, actor=alice)
    assert connection.connection.info.transaction_status == TransactionStatus.IDLE
    monkeypatch.undo()
    assert access_log.record(AccessLog.Event.SEARCHED, actor=alice).seq == entry.seq + 1
    assert verification.verify_chain().ok


def test_a_chain_id_holds_its_organisation_and_shard_within_their_bounds():
    assert keyed.chain_of(7, 3) == 7 + (3 << 32) and keyed.organisation_of_chain(7 + (3 << 32)) == 7
    assert keyed.chain_of(None) == 0
    with pytest.raises(ValueError):
        keyed.chain_of(1 << 32)
    with pytest.raises(ValueError):
        keyed.chain_of(7, keyed.MAX_CHAINS)
