import pytest
from django.urls import reverse

from audit.models import AccessLog
from casework import selectors
from casework.models import Case, Consent
from tests.cases import MARKERS

pytestmark = pytest.mark.django_db


def intake_data(**overrides):
    data = {
        "full_name": "Ani Rekaan",
        "aliases": "",
        "nik": "",
        "passport": "",
        "date_of_birth": "",
        "birth_year": "2001",
        "age_band": "unknown",
        "gender": "feminine",
        "nationality": "ID",
        "phones": "",
        "address": "",
        "family_contact": "",
        "intake_channel": "outreach",
        "intake_date": "2026-11-20",
        "trafficking_status": "possible",
        "determined_by": "",
        "exploitation_types": ["online_scam_compound"],
        "labour_sector": "online_fraud",
        "means_of_control": ["withholds_documents", "debt_bondage"],
        "recruitment_method": "online_advert",
        "recruiter_relationship": "stranger",
        "narrative": "Cerita rekaan.",
        "needs": "",
        "origin_province": "53",
        "origin_regency": "53.71",
        "destination_country": "KH",
        "destination_province": "",
        "consent_date": "2026-11-20",
        "consent_services": "on",
        "consent_sharing": "on",
        "consent_given_by": "person",
        "risk_level": "high",
        "next_follow_up": "",
        "assigned_to": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_a_caseworker_opens_a_case_through_the_form(client_for, alice):
    response = client_for(alice).post(reverse("casework:case_create"), intake_data())
    case = Case.objects.get()
    assert response["Location"] == reverse("casework:case_detail", args=[case.pk])
    assert case.reference.startswith("ORGA-2026-")
    assert case.owner == alice.organisation and case.assigned_to == alice
    assert case.age_band == "25_34" and case.birth_year == 2001
    assert case.destination_country == "KH" and case.origin_regency == "53.71"
    assert case.next_follow_up is not None, "the high-risk rhythm sets the first follow-up"
    assert set(Consent.objects.filter(case=case).values_list("kind", flat=True)) == {"services", "sharing"}
    assert case.history.get().history_user == alice


def test_bad_input_is_shown_beside_the_field_and_nothing_typed_is_lost(client_for, alice):
    data = intake_data(
        nik="1234", phones="0812 3456 7890\nbukan nomor", narrative="Narasi panjang yang tidak boleh hilang."
    )
    response = client_for(alice).post(reverse("casework:case_create"), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"nik", "phones"}
    html = response.content.decode()
    assert "16 angka" in html
    assert "Narasi panjang yang tidak boleh hilang." in html
    assert 'value="Ani Rekaan"' in html
    assert not Case.objects.exists()


def test_a_regency_outside_the_province_is_refused(client_for, alice):
    response = client_for(alice).post(reverse("casework:case_create"), intake_data(origin_regency="34.71"))
    assert "origin_regency" in response.context["form"].errors


def test_a_childs_consent_must_come_from_a_guardian(client_for, alice):
    response = client_for(alice).post(reverse("casework:case_create"), intake_data(birth_year="2012"))
    assert response.status_code == 200
    assert "consent_given_by" in response.context["form"].errors
    assert not Case.objects.exists(), "nothing half-saved"


def test_opening_a_case_is_logged_per_tab(client_for, alice, case_a):
    client = client_for(alice)
    client.get(reverse("casework:case_detail", args=[case_a.pk]))
    client.get(reverse("casework:case_identity", args=[case_a.pk]))
    entries = AccessLog.objects.filter(event=AccessLog.Event.CASE_VIEWED, object_id=case_a.pk).order_by("id")
    assert [e.detail for e in entries] == ["summary", "identity"]
    assert entries[0].object_ref == case_a.reference


def test_identity_numbers_are_masked_until_revealed_and_the_reveal_is_logged(client_for, alice, case_a):
    client = client_for(alice)
    page = client.get(reverse("casework:case_identity", args=[case_a.pk])).content.decode()
    assert MARKERS["name"] in page
    assert MARKERS["nik"] not in page and MARKERS["address"] not in page
    revealed = client.post(reverse("casework:case_reveal", args=[case_a.pk, "nik"]), HTTP_HX_REQUEST="true")
    assert MARKERS["nik"] in revealed.content.decode()
    entry = AccessLog.objects.get(event=AccessLog.Event.FIELD_REVEALED)
    assert (entry.actor, entry.detail, entry.object_id) == (alice, "nik", case_a.pk)
    assert client.post(reverse("casework:case_reveal", args=[case_a.pk, "narrative"])).status_code == 404


def test_an_edit_on_an_outdated_version_is_refused_and_keeps_what_was_typed(client_for, alice, anna, case_a):
    first, second = client_for(alice), client_for(anna)
    form_a = first.get(reverse("casework:case_edit", args=[case_a.pk])).context["form"]
    assert form_a.initial["full_name"] == MARKERS["name"]
    base = {k: v for k, v in intake_data(full_name=MARKERS["name"]).items() if not k.startswith("consent")}
    saved = second.post(
        reverse("casework:case_edit", args=[case_a.pk]), {**base, "version": case_a.version, "risk_level": "low"}
    )
    assert saved.status_code == 302
    conflict = first.post(
        reverse("casework:case_edit", args=[case_a.pk]), {**base, "version": case_a.version, "narrative": "Versi Alice"}
    )
    assert conflict.status_code == 200
    html = conflict.content.decode()
    assert "Versi Alice" in html
    assert "menyimpan kasus ini setelah Anda membukanya" in html
    case = Case.objects.get(pk=case_a.pk)
    assert case.risk_level == "low" and case.version == case_a.version + 1
    # Saving again, now knowingly, works.
    again = first.post(
        reverse("casework:case_edit", args=[case_a.pk]), {**base, "version": case.version, "narrative": "Versi Alice"}
    )
    assert again.status_code == 302


def test_the_history_tab_shows_who_changed_what_with_values_for_the_owner(client_for, alice, anna, case_a):
    from casework import services

    services.case_update(
        actor=anna,
        case=case_a,
        expected_version=case_a.version,
        summary={"risk_level": "low"},
        identity={"full_name": "Nama Baru Rekaan", "aliases": []},
        contact={"phones": ["0813 1111 2222"]},
    )
    page = client_for(alice).get(reverse("casework:case_history", args=[case_a.pk]))
    entries = page.context["entries"]
    change = entries[0]
    assert change.who == "anna"
    labels = {c.label: (c.old, c.new, c.hidden) for c in change.changes}
    assert labels["Tingkat risiko"] == ("Tinggi", "Rendah", False)
    assert labels["Nama"] == (MARKERS["name"], "Nama Baru Rekaan", False)
    # What the identity tab masks until revealed is named as changed, without values.
    assert labels["Nomor telepon"] == ("", "", True) and labels["NIK"] == ("", "", True)
    html = page.content.decode()
    for value in [MARKERS["phone"], "0813 1111 2222", MARKERS["nik"], MARKERS["address"]]:
        assert value not in html
    assert not AccessLog.objects.filter(event=AccessLog.Event.FIELD_REVEALED).exists()


def test_opening_the_edit_form_logs_each_identifier_it_fills_in_as_revealed(client_for, alice, case_a):
    page = client_for(alice).get(reverse("casework:case_edit", args=[case_a.pk]))
    assert MARKERS["nik"] in page.content.decode()
    revealed = AccessLog.objects.filter(event=AccessLog.Event.FIELD_REVEALED, actor=alice, object_id=case_a.pk)
    details = set(revealed.values_list("detail", flat=True))
    assert {"nik (edit)", "phones (edit)", "address (edit)"} <= details
    assert AccessLog.objects.filter(event=AccessLog.Event.CASE_VIEWED, actor=alice, detail="edit").count() == 1


def test_closing_needs_a_reason_and_a_safety_check_and_reopening_keeps_the_history(client_for, alice, case_a):
    client = client_for(alice)
    url = reverse("casework:case_close", args=[case_a.pk])
    refused = client.post(url, {"version": case_a.version, "reason": "goals_met"})
    assert "safety_checked" in refused.context["form"].errors
    client.post(url, {"version": case_a.version, "reason": "goals_met", "safety_checked": "on"})
    case = Case.objects.get(pk=case_a.pk)
    assert case.status == "closed" and case.closure_reason == "goals_met"
    client.post(reverse("casework:case_reopen", args=[case.pk]), {"version": case.version})
    case.refresh_from_db()
    assert case.status == "active" and case.closure_reason == ""
    assert [h.history_change_reason for h in case.history.order_by("history_date")][-2:] == ["closed", "reopened"]


def test_notes_are_added_and_shown_to_the_owner(client_for, alice, case_a):
    client = client_for(alice)
    client.post(reverse("casework:case_notes", args=[case_a.pk]), {"body": "Catatan kedua", "shareable": "on"})
    page = client.get(reverse("casework:case_notes", args=[case_a.pk]))
    assert [n.body for n in page.context["notes"]] == ["Catatan kedua", MARKERS["note"]]


def test_a_restricted_case_can_be_opened_again_to_the_organisation(client_for, alice, anna, restricted_case):
    assert client_for(anna).get(reverse("casework:case_detail", args=[restricted_case.pk])).status_code == 404
    client_for(alice).post(reverse("casework:case_restriction", args=[restricted_case.pk]), {})
    assert client_for(anna).get(reverse("casework:case_detail", args=[restricted_case.pk])).status_code == 200


def test_the_export_holds_no_identity_and_is_logged(client_for, alice, case_a):
    response = client_for(alice).get(reverse("casework:case_export"))
    body = b"".join(response.streaming_content).decode()
    assert case_a.reference in body
    assert MARKERS["name"] not in body and MARKERS["nik"] not in body
    assert AccessLog.objects.filter(event=AccessLog.Event.EXPORTED, actor=alice).exists()


def test_the_list_pages_by_keyset(client_for, alice):
    from tests.cases import open_case

    cases = [open_case(alice) for _ in range(27)]
    client = client_for(alice)
    first = client.get(reverse("casework:case_list"))
    assert len(first.context["page"].items) == 25
    cursor = first.context["page"].next_cursor
    second = client.get(reverse("casework:case_list") + f"?after={cursor}")
    seen = [c.pk for c in first.context["page"].items] + [c.pk for c in second.context["page"].items]
    assert sorted(seen) == sorted(c.pk for c in cases)
    assert second.context["page"].next_cursor == ""


def test_the_tabs_of_a_case_follow_the_gate(client_for, alice, bob, case_a, accepted):
    """The owner sees every tab; a receiving organisation only the parts its accepted referral shared (identity)."""
    from casework import tabs

    owner = [tab["key"] for tab in tabs.tabs_for(selectors.get_case_for(alice, case_a.pk))]
    assert owner == [
        "summary",
        "identity",
        "notes",
        "services",
        "consents",
        "attachments",
        "history",
        "access",
        "referrals",
        "rights",
    ]
    receiver = [tab["key"] for tab in tabs.tabs_for(selectors.get_case_for(bob, case_a.pk))]
    assert receiver == ["summary", "identity", "services", "attachments", "history"]
    page = client_for(bob).get(reverse("casework:case_detail", args=[case_a.pk])).content.decode()
    assert reverse("casework:case_identity", args=[case_a.pk]) in page
    assert reverse("casework:case_notes", args=[case_a.pk]) not in page
