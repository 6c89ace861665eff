"""The access log in words: no raw event or detail code on its pages or in its CSV, times in the network's zone, and a
filter that does not hold lists and exports nothing."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from audit import access_log, describe
from audit.models import AccessLog

pytestmark = pytest.mark.django_db

E = AccessLog.Event
# Every detail the apps write today (grep for detail= in the apps), with its event.
WRITTEN = [
    *[(E.CASE_VIEWED, tab) for tab in describe.TABS],
    (E.CASE_VIEWED, "edit"),
    (E.CASE_VIEWED, "access-panel"),
    (E.CASE_VIEWED, "referral"),
    *[(E.FIELD_REVEALED, field) for field in describe.FIELDS],
    *[(E.FIELD_REVEALED, f"{field} (edit)") for field in describe.FIELDS],
    (E.SEARCHED, "results=0"),
    (E.SEARCHED, "results=1"),
    (E.SEARCHED, "results=12"),
    (E.DUPLICATE_CHECKED, "matches=2"),
    (E.EXPORTED, "cases.csv"),
    (E.EXPORTED, "access-log.csv"),
    (E.SIGNED_OUT, "idle_timeout"),
    (E.SIGNED_OUT, "max_lifetime"),
    (E.SIGN_IN_FAILED, "unknown_account"),
    (E.SIGN_IN_FAILED, "second_factor"),
    (E.ACCESS_DENIED, "view"),
    (E.ACCESS_DENIED, "change"),
    (E.ACCESS_DENIED, "record_service"),
    (E.ACCESS_DENIED, "referral"),
    *[(E.ACCESS_DENIED, f"view_{section}") for section in describe.SECTIONS],
]
CODES = {code for code, _label in E.choices} | {detail for _event, detail in WRITTEN}
RAW = re.compile(r"\b[a-z]+_[a-z_]+\b|=\d|\(edit\)|\.csv\b")


@pytest.mark.parametrize("language", ["id", "en"])
def test_every_written_detail_and_event_is_in_words(language):
    with translation.override(language):
        for event, detail in WRITTEN:
            words = describe.detail_label(event, detail)
            assert words and words != detail and not RAW.search(words), (event, detail, words)
        for code, _label in E.choices:
            assert describe.event_label(code) != code
    with translation.override("id"):
        assert describe.detail_label(E.SEARCHED, "results=1") == "1 kasus ditemukan"
        assert describe.event_label(E.CASE_VIEWED) == "Kasus dilihat"


def test_an_unknown_detail_is_shown_as_stored():
    assert describe.detail_label(E.CASE_VIEWED, "something-new") == "something-new"


@pytest.fixture
def entries(alice, case_a):
    for event, detail in WRITTEN:
        access_log.record_for(event, actor=alice, obj=case_a, detail=detail)


def cells(text: str, label: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(rf'data-label="{label}">(.*?)</td>', text)]


@pytest.mark.parametrize("language", ["id", "en"])
def test_no_raw_code_on_the_access_log_pages(client_for, dave, alice, case_a, entries, language):
    with translation.override(language):
        detail, event = translation.gettext("Detail"), translation.gettext("Event")
    dave.language = language
    dave.save(update_fields=["language"])
    client = client_for(dave)
    pages = [
        reverse("audit:log"),
        reverse("audit:object", args=[case_a.pk]),
        reverse("audit:user", args=[alice.pk]),
    ]
    for url in pages:
        text = client.get(url).content.decode()
        shown = cells(text, detail) + cells(text, event)
        assert shown, url
        for value in shown:
            assert value not in CODES and not RAW.search(value), (url, value)
    people = client.get(pages[1]).content.decode()
    listed = re.search(r'data-testid="object-people">(.*?)</ul>', people, re.S)
    assert listed and not RAW.search(re.sub(r"<[^>]+>", "", listed.group(1)))


def test_an_invalid_date_range_lists_and_exports_nothing(client_for, dave, entries):
    client = client_for(dave)
    bad = {"date_from": "2026-12-01", "date_to": "2026-11-01"}
    exports = AccessLog.objects.filter(event=E.EXPORTED).count()
    page = client.get(reverse("audit:log"), bad)
    assert "Tanggal selesai lebih awal" in page.content.decode()
    assert page.context["page"].entries == []
    export = client.get(reverse("audit:export"), bad)
    assert not export.streaming and export.context["page"].entries == []
    assert AccessLog.objects.filter(event=E.EXPORTED).count() == exports, "nothing was exported"


def test_the_csv_is_in_words_and_in_the_networks_time_zone(client_for, dave, alice, case_a):
    access_log.record_for(E.FIELD_REVEALED, actor=alice, obj=case_a, detail="nik (edit)")
    entry = AccessLog.objects.get(event=E.FIELD_REVEALED)
    response = client_for(dave).get(reverse("audit:export"), {"event": E.FIELD_REVEALED})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:3] == ["Entri", "Waktu (WIB)", "Peristiwa"]
    row = rows[1]
    assert row[2] == "Identitas sensitif ditampilkan" or row[2] == describe.event_label(E.FIELD_REVEALED)
    assert "field_revealed" not in row and "nik (edit)" not in row
    local = timezone.localtime(entry.at)
    assert row[1] == local.strftime("%d-%m-%Y %H:%M:%S")
    assert datetime.strptime(row[1], "%d-%m-%Y %H:%M:%S").hour == (entry.at.astimezone(UTC).hour + 7) % 24
