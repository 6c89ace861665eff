"""The history shows only changes that were made, in the reader's words and the app's date format."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from casework import services
from casework.models import Case
from casework.vault import CASE, Vault

pytestmark = pytest.mark.django_db


def test_saving_unchanged_sections_changes_nothing_in_them(client_for, alice, case_a):
    vault = Vault.for_case(case_a)
    before = Case.objects.get(pk=case_a.pk)
    services.case_update(
        actor=alice,
        case=case_a,
        expected_version=case_a.version,
        summary={"risk_level": "low"},
        # The edit form posts every section: the same identity, contact and narrative, new needs.
        identity=vault.open_json(CASE, "identity_enc", case_a.pk, before.identity_enc),
        contact=vault.open_json(CASE, "contact_enc", case_a.pk, before.contact_enc),
        narrative=vault.open(CASE, "narrative_enc", case_a.pk, before.narrative_enc),
        needs="Kebutuhan baru (rekaan)",
    )
    after = Case.objects.get(pk=case_a.pk)
    assert after.narrative_enc == before.narrative_enc
    assert after.identity_enc == before.identity_enc and after.contact_enc == before.contact_enc
    assert after.needs_enc != before.needs_enc
    entries = client_for(alice).get(reverse("casework:case_history", args=[case_a.pk])).context["entries"]
    labels = [change.label for change in entries[0].changes]
    assert "Tingkat risiko" in labels and "Kebutuhan" in labels
    assert "Kronologi" not in labels and "Nama" not in labels


def test_reasons_are_translated_and_dates_day_first(client_for, alice, case_a):
    services.note_add(actor=alice, case=case_a, body="Kontak lanjutan (rekaan)", is_follow_up=True)
    page = client_for(alice).get(reverse("casework:case_history", args=[case_a.pk]))
    text = page.content.decode()
    assert "follow-up recorded" not in text
    assert "(tindak lanjut dicatat)" in text
    today = timezone.localdate().strftime("%d-%m-%Y")
    assert today in text
    plain = re.sub(r"<[^>]+>", "", text)
    assert not re.search(r"\b\d{4}-\d{2}-\d{2}\b", plain), re.search(r".{40}\d{4}-\d{2}-\d{2}.{20}", plain)
