import base64
import secrets

import pytest
from django.core.management import call_command

from casework import crypto
from casework.models import Case, CaseKey, CaseNote
from casework.selectors import case_notes, case_sensitive, get_case_for
from casework.vault import CASE, NOTE, Vault
from tests.cases import MARKERS

pytestmark = pytest.mark.django_db


def new_key():
    return base64.b64encode(secrets.token_bytes(32)).decode()


def test_a_value_round_trips_and_is_not_stored_in_plain_text(case_a):
    stored = Case.objects.get(pk=case_a.pk)
    assert MARKERS["name"] not in stored.identity_enc
    assert stored.identity_enc.startswith("v1:")
    vault = Vault.for_case(stored)
    assert vault.open_json(CASE, "identity_enc", stored.pk, stored.identity_enc)["full_name"] == MARKERS["name"]
    assert vault.open(CASE, "narrative_enc", stored.pk, stored.narrative_enc) == MARKERS["narrative"]


def test_two_encryptions_of_the_same_text_differ(case_a):
    vault = Vault.for_case(case_a)
    assert vault.seal(CASE, "narrative_enc", case_a.pk, "sama") != vault.seal(CASE, "narrative_enc", case_a.pk, "sama")


def test_tampered_ciphertext_fails(case_a):
    raw = bytearray(base64.b64decode(case_a.narrative_enc[3:]))
    raw[-1] ^= 1
    tampered = "v1:" + base64.b64encode(bytes(raw)).decode()
    with pytest.raises(crypto.DecryptionFailed):
        Vault.for_case(case_a).open(CASE, "narrative_enc", case_a.pk, tampered)


def test_a_value_moved_to_another_field_or_row_fails(case_a, alice):
    from tests.cases import open_case

    vault = Vault.for_case(case_a)
    with pytest.raises(crypto.DecryptionFailed):
        vault.open(CASE, "needs_enc", case_a.pk, case_a.narrative_enc)
    other = open_case(alice)
    with pytest.raises(crypto.DecryptionFailed):
        Vault.for_case(other).open(CASE, "narrative_enc", other.pk, case_a.narrative_enc)
    # Even with the right key, the same field of another row fails: the row id is bound in.
    with pytest.raises(crypto.DecryptionFailed):
        vault.open(CASE, "narrative_enc", other.pk, case_a.narrative_enc)


def test_a_wrapped_key_moved_to_another_case_fails(case_a, alice):
    from tests.cases import open_case

    other = open_case(alice)
    CaseKey.objects.filter(case=other).update(wrapped=CaseKey.objects.get(case=case_a).wrapped)
    with pytest.raises(crypto.DecryptionFailed):
        Vault.for_case(other).key()


def test_a_wrong_master_key_fails_loudly(case_a, settings):
    settings.JEJARING_MASTER_KEYS = [new_key()]
    with pytest.raises(crypto.KeyUnavailable, match="is not configured"):
        Vault.for_case(case_a).key()


def test_a_missing_master_key_fails_loudly(case_a, settings):
    settings.JEJARING_MASTER_KEYS = []
    with pytest.raises(crypto.KeyUnavailable, match="no master key"):
        Vault.for_case(case_a).key()


def test_a_page_needing_a_missing_key_fails_closed_with_a_clear_page(case_a, client_for, alice, settings):
    settings.JEJARING_MASTER_KEYS = [new_key()]
    response = client_for(alice).get(f"/cases/{case_a.pk}/identity/")
    assert response.status_code == 503
    html = response.content.decode()
    assert "kuncinya" in html.lower() or "kunci enkripsi" in html.lower()
    assert "v1:" not in html and MARKERS["name"] not in html


def test_ciphertext_is_never_encrypted_again(case_a):
    with pytest.raises(crypto.CryptoError):
        Vault.for_case(case_a).seal(CASE, "narrative_enc", case_a.pk, case_a.narrative_enc)


def test_rotation_rewraps_every_key_and_keeps_every_value_readable(case_a, alice, settings, capsys):
    from tests.cases import open_case

    second = open_case(alice)
    old = list(settings.JEJARING_MASTER_KEYS)
    settings.JEJARING_MASTER_KEYS = [new_key(), *old]
    call_command("rotate_master_key")
    assert "re-wrapped under master key" in capsys.readouterr().out
    assert set(CaseKey.objects.values_list("master_key_id", flat=True)) == {crypto.current_master_key_id()}
    # The old key can go: everything still opens with the new one alone.
    settings.JEJARING_MASTER_KEYS = settings.JEJARING_MASTER_KEYS[:1]
    for case in (case_a, second):
        opened = get_case_for(alice, case.pk)
        assert case_sensitive(opened)["identity"]["full_name"]
    assert case_notes(get_case_for(alice, case_a.pk))[0].body == MARKERS["note"]


def test_destroying_the_data_key_makes_live_and_history_rows_unreadable(case_a, alice):
    from casework import services

    services.case_update(actor=alice, case=case_a, expected_version=case_a.version, narrative="versi kedua")
    services.case_key_destroy(actor=alice, case=case_a)
    case = Case.objects.get(pk=case_a.pk)
    with pytest.raises(crypto.KeyDestroyed):
        Vault.for_case(case).open(CASE, "identity_enc", case.pk, case.identity_enc)
    for row in Case.history.filter(id=case.pk).exclude(narrative_enc=""):
        with pytest.raises(crypto.KeyDestroyed):
            Vault.for_case(case).open(CASE, "narrative_enc", row.id, row.narrative_enc)
    note = CaseNote.objects.get(case=case)
    with pytest.raises(crypto.KeyDestroyed):
        Vault.for_case(case).open(NOTE, "body_enc", note.pk, note.body_enc)
    # What identifies no one survives, and the blind indexes are gone.
    assert case.reference.startswith("ORGA-")
    assert case.exploitation_types == ["forced_labour"]
    assert case.origin_province == "53"
    assert not case.blind_indexes.exists()


@pytest.mark.parametrize(
    ("typed", "normalised"),
    [
        ("0812-3456-7890", "6281234567890"),
        ("+62 812 3456 7890", "6281234567890"),
        ("81234567890", "6281234567890"),
        ("+60 12 345 6789", "60123456789"),
    ],
)
def test_phone_numbers_are_normalised_before_indexing(typed, normalised):
    assert crypto.normalise_phone(typed) == normalised


def test_name_digests_are_truncated_and_index_digests_are_not(settings):
    assert len(crypto.blind_index("name", "siti")) == 4
    assert len(crypto.blind_index("nik", "3404014101990001")) == 64
    assert crypto.name_tokens("Siti  Nur'aini Ã") == {"siti", "nuraini"}
