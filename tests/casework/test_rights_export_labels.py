"""The subject access export gives every coded value as its code and its label in the requester's language, so that
the person can read what is held about them: ``{"code": "forced_labour", "label": "Kerja paksa"}``."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.urls import reverse
from django.utils import translation

from casework.choices import ExploitationType, Gender, RiskLevel
from casework.models import Attachment
from casework.services import rights
from casework.services.rights_export import coded, coded_list
from tests.casework.attachment_helpers import attach

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _attachments_in_tmp(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "attachments": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }


def _export(alice, anna, case, client_for) -> dict:
    request = rights.rights_request(actor=alice, case=case, kind="export")
    rights.rights_approve(actor=anna, rights=request)
    zipped = client_for(alice).get(reverse("casework:export_zip", args=[case.pk, request.pk]))
    archive = zipfile.ZipFile(io.BytesIO(b"".join(zipped.streaming_content)))
    return json.loads(archive.read("export.json"))


def _label_in(language: str, label) -> str:
    with translation.override(language):
        return str(label)


def _is_coded(value) -> bool:
    return isinstance(value, dict) and set(value) == {"code", "label"} and value["code"] and value["label"]


@pytest.mark.parametrize("language", ["id", "en"])
def test_coded_values_carry_their_label_in_the_requesters_language(alice, anna, case_a, client_for, referral, language):
    alice.language = language
    alice.save()
    attach(alice, case_a, section="identity")
    client_for(alice).get(reverse("casework:case_detail", args=[case_a.pk]))  # a view, for "viewed_by"
    data = _export(alice, anna, case_a, client_for)
    summary = data["summary"]
    assert summary["risk_level"] == {"code": RiskLevel.HIGH, "label": _label_in(language, RiskLevel.HIGH.label)}
    assert summary["gender"] == {"code": Gender.FEMININE, "label": _label_in(language, Gender.FEMININE.label)}
    assert summary["exploitation_types"] == [
        {"code": ExploitationType.FORCED_LABOUR, "label": _label_in(language, ExploitationType.FORCED_LABOUR.label)}
    ]
    assert summary["origin_province"]["code"] == "53" and "Nusa Tenggara Timur" in summary["origin_province"]["label"]
    assert summary["nationality"]["code"] == "ID" and summary["nationality"]["label"] == "Indonesia"
    for name in ("status", "intake_channel", "trafficking_status", "age_band"):
        assert _is_coded(summary[name]), name
    assert summary["closure_reason"] is None and summary["labour_sector"] is None  # empty: null, not ""
    if language == "id":
        assert summary["exploitation_types"][0]["label"] != summary["exploitation_types"][0]["code"]
    for consent in data["consents"]:
        assert _is_coded(consent["kind"]) and _is_coded(consent["given_by"])
    [attachment] = data["attachments"]
    assert attachment["part"] == {
        "code": "identity",
        "label": _label_in(language, Attachment._meta.get_field("section").flatchoices[0][1]),
    }
    assert all(_is_coded(entry["kind"]) for entry in data["history"])
    assert all(_is_coded(row["role"]) for row in data["viewed_by"])
    assert all(note["by"]["role"] is None or _is_coded(note["by"]["role"]) for note in data["notes"])
    [sent] = data["referrals"]
    assert _is_coded(sent["status"]) and sent["status"]["code"] == referral.status
    assert all(_is_coded(section) for section in sent["sections_shared"])


def test_the_printable_page_shows_labels_not_codes(alice, anna, case_a, client_for):
    alice.language = "id"
    alice.save()
    request = rights.rights_request(actor=alice, case=case_a, kind="export")
    rights.rights_approve(actor=anna, rights=request)
    page = client_for(alice).get(reverse("casework:export_page", args=[case_a.pk, request.pk])).content.decode()
    assert "{&#x27;code&#x27;" not in page and "{'code'" not in page
    assert _label_in("id", ExploitationType.FORCED_LABOUR.label) in page


def test_the_helpers():
    assert coded("", "x") is None and coded(None, "x") is None
    assert coded("a", "") == {"code": "a", "label": "a"}
    assert coded_list(["a", "b"], ["A", "B"]) == [{"code": "a", "label": "A"}, {"code": "b", "label": "B"}]
