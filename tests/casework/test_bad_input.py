"""Bad input to the case forms: see tests/bad_input.py for the values tried and the checks made."""

from __future__ import annotations

import pytest

from casework import services
from tests.bad_input import *

pytestmark = pytest.mark.django_db


@fuzz(20)
@given(
    params=form_data(
        {
            "status": choice(list(CaseStatus.values), blank=True),
            "risk": choice(list(RiskLevel.values), blank=True),
            "mine": st.sampled_from(["", "1"]),
            "due": st.sampled_from(["", "1"]),
            "restricted": st.sampled_from(["", "1"]),
            "after": st.sampled_from(["", "1700000000.000000_00000000-0000-0000-0000-000000000000"]),
            "s": st.sampled_from(["", "AbCdEfGh123"]),
        }
    ),
    htmx=st.booleans(),
    province=st.one_of(st.sampled_from(["", "34", "53"]), VALUES),
)
def test_case_list_filters_export_and_regency_options(client_for, alice, case_a, params, htmx, province):
    client = client_for(alice)
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    response = client.get(reverse("casework:case_list"), params, **headers)
    inert(response)
    assert response.status_code == 200
    export = client.get(reverse("casework:case_export"), params)
    assert export.status_code == 200
    csv = b"".join(export.streaming_content).decode()
    for marker in MARKERS.values():
        assert marker not in csv, "the export holds no identities"
    response = client.get(reverse("casework:regency_options"), {"origin_province": province}, HTTP_HX_REQUEST="true")
    inert(response)
    assert response.status_code == 200


CASE_FIELDS: dict[str, st.SearchStrategy[Any]] = {
    "full_name": words(min_size=1),
    "aliases": words(),
    "passport": st.sampled_from(["", "X1234567", "b 1234567"]),
    "gender": choice(list(Gender.values)),
    "nationality": st.sampled_from(["ID", "MY", "TL"]),
    "phones": st.sampled_from(["", "0812 3456 7890", "+60 12 345 6789\n0813-1111-2222"]),
    "address": words(),
    "family_contact": words(),
    "intake_channel": choice(list(IntakeChannel.values)),
    "intake_date": RECENT,
    "trafficking_status": choice(list(TraffickingStatus.values)),
    "determined_by": choice(list(DeterminedBy.values), blank=True),
    "exploitation_types": several(list(ExploitationType.values)),
    "labour_sector": choice(list(LabourSector.values), blank=True),
    "means_of_control": several(list(MeansOfControl.values)),
    "recruitment_method": choice(list(RecruitmentMethod.values), blank=True),
    "recruiter_relationship": choice(list(RecruiterRelationship.values), blank=True),
    "narrative": words(),
    "needs": words(),
    "transit_provinces": several(["31", "33", "51"]),
    "transit_countries": several(["MY", "SG"]),
    "risk_level": choice(list(RiskLevel.values)),
    "next_follow_up": st.one_of(st.just(""), FUTURE),
}
ADULT_BANDS = [band for band in AgeBand.values if band not in CHILD_BANDS]
IDENTITY = together(
    {"nik": "", "date_of_birth": "", "birth_year": ""},
    {
        "nik": st.sampled_from(["3404014101990001", "3404-0141-0199-0001", "3404 0141 0199 0001"]),
        "date_of_birth": st.sampled_from(["", "1999-01-01"]),
        "birth_year": st.sampled_from(["", "1999"]),
    },
    {"nik": "", "date_of_birth": iso_dates(date(1950, 1, 1), date(2000, 12, 31)), "birth_year": ""},
    {"nik": "", "date_of_birth": "", "birth_year": st.sampled_from(["1960", "1985", "2001"])},
)
ROUTE = together(
    {"origin_province": "", "origin_regency": ""},
    {"origin_province": "34", "origin_regency": st.sampled_from(["", "34.01", "34.71"])},
    {"origin_province": "53", "origin_regency": ""},
)
DESTINATION = together(
    {"destination_country": st.sampled_from(["", "MY", "ID"]), "destination_province": ""},
    {"destination_country": st.sampled_from(["", "ID"]), "destination_province": st.sampled_from(["31", "51"])},
)
AGE = together({"age_band": choice(list(AgeBand.values))})
AGE_AND_CONSENT = together(
    {"age_band": choice(ADULT_BANDS), "consent_given_by": choice(list(ConsentGivenBy.values))},
    {"age_band": choice(sorted(CHILD_BANDS)), "consent_given_by": ConsentGivenBy.GUARDIAN},
)
ASSIGNED = together({"assigned_to": st.sampled_from(["", Ref("alice"), Ref("anna")])})
RESTRICTION = together(
    {"is_restricted": OMIT, "named_users": [], "assigned_to": st.sampled_from(["", Ref("alice"), Ref("anna")])},
    {"is_restricted": "on", "named_users": several([Ref("alice"), Ref("anna")]), "assigned_to": st.just("")},
    {"is_restricted": "on", "named_users": [Ref("anna")], "assigned_to": st.sampled_from([Ref("alice"), Ref("anna")])},
)
CASE_GROUPS = (IDENTITY, ROUTE, DESTINATION, AGE, ASSIGNED)
INTAKE_FIELDS: dict[str, st.SearchStrategy[Any]] = {
    **CASE_FIELDS,
    "consent_date": RECENT,
    "consent_services": CHECKBOX,
    "consent_sharing": CHECKBOX,
    "consent_statistics": CHECKBOX,
}
INTAKE_GROUPS = (IDENTITY, ROUTE, DESTINATION, AGE_AND_CONSENT, RESTRICTION)
OTHERS = (Ref("bob"), Ref("carol"), Ref("org_b"))  # objects of another organisation (or of none)


@fuzz(25)
@given(data=form_data(INTAKE_FIELDS, *INTAKE_GROUPS, foreign=OTHERS))
def test_case_intake(client_for, alice, anna, bob, carol, org_b, data):
    client = client_for(alice)
    refs = {"alice": alice, "anna": anna, "bob": bob, "carol": carol, "org_b": org_b}
    before = rows(*INTAKE_MODELS)
    response = client.post(reverse("casework:case_create"), resolve(data, refs))
    text = inert(response)
    after = rows(*INTAKE_MODELS)
    if response.status_code == 302:
        assert after[Case._meta.label] == before[Case._meta.label] + 1
        assert after[CaseKey._meta.label] == before[CaseKey._meta.label] + 1
        case = Case.objects.order_by("-created_at").first()
        assert response.headers["Location"] == reverse("casework:case_detail", args=[case.pk])
        for name in ("casework:case_detail", "casework:case_identity", "casework:case_edit"):
            page = inert(client.get(reverse(name, args=[case.pk])))
            if name == "casework:case_edit" and "<script>alert(1)</script>" in last(data.get("full_name", "")):
                assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    else:
        assert response.status_code == 200
        errors_shown(text, response.context["form"])
        assert after == before, "a refused intake must save nothing"


def _case_state(case: Case) -> tuple[dict[str, Any], int, list[tuple[str, str]]]:
    row = Case.objects.filter(pk=case.pk).values().get()
    row.pop("last_activity_at", None)
    history = Case.history.filter(id=case.pk).count()
    indexes = sorted(BlindIndex.objects.filter(case=case).values_list("kind", "digest"))
    return row, history, indexes


CURRENT = "current-version"  # replaced by the case's version when the request is made


VERSIONS = st.one_of(st.just(CURRENT), VALUES, st.just(OMIT))


def _with_version(data: dict[str, Any], case: Case) -> dict[str, Any]:
    return {**data, "version": str(case.version)} if data.get("version") == CURRENT else data


@fuzz(25)
@given(data=form_data(CASE_FIELDS, *CASE_GROUPS, foreign=OTHERS), version=VERSIONS)
def test_case_edit(client_for, alice, anna, bob, carol, org_b, case_a, data, version):
    client = client_for(alice)
    refs = {"alice": alice, "anna": anna, "bob": bob, "carol": carol, "org_b": org_b}
    case_a.refresh_from_db()
    before = _case_state(case_a)
    payload = _with_version(merged(resolve(data, refs), {"version": version}), case_a)
    response = client.post(reverse("casework:case_edit", args=[case_a.pk]), payload)
    text = inert(response)
    if response.status_code == 302:
        assert Case.objects.get(pk=case_a.pk).version == case_a.version + 1
        inert(client.get(reverse("casework:case_identity", args=[case_a.pk])))
        return
    assert response.status_code == 200
    assert _case_state(case_a) == before, "a refused edit must change nothing"
    if response.context["conflict"]:
        # An edit on another version than the current one (or on none) is refused as a conflict, said at the top;
        # the form now carries the current version.
        assert message_texts(response)
        assert f'value="{Case.objects.get(pk=case_a.pk).version}"' in text
    else:
        errors_shown(text, response.context["form"])


@fuzz(20)
@given(
    data=form_data({"reason": choice(list(ClosureReason.values)), "safety_checked": CHECKBOX}),
    version=VERSIONS,
)
def test_case_close_and_reopen(client_for, alice, data, version):
    client = client_for(alice)
    case = Case.objects.filter(created_by=alice).first() or open_case(alice, name="Kasus Tutup")
    case.refresh_from_db()
    if case.is_closed:
        case = case_services.case_reopen(actor=alice, case=case, expected_version=case.version)
    before = _case_state(case)
    response = client.post(
        reverse("casework:case_close", args=[case.pk]), _with_version(merged(data, {"version": version}), case)
    )
    text = inert(response)
    case.refresh_from_db()
    if response.status_code == 302:
        if case.is_closed:
            assert case.version == before[0]["version"] + 1
        else:  # refused as a conflict (an outdated, missing or malformed version): said, nothing changed
            assert _case_state(case) == before
            assert message_texts(response)
    else:
        assert response.status_code == 200
        errors_shown(text, response.context["form"])
        assert _case_state(case) == before, "a refused close must change nothing"
    if not case.is_closed:
        case = case_services.case_close(actor=alice, case=case, expected_version=case.version, reason="goals_met")
    # Reopen: the only field is the hidden version.
    sent = str(case.version) if version == CURRENT else version
    before = _case_state(case)
    response = client.post(reverse("casework:case_reopen", args=[case.pk]), merged({}, {"version": sent}))
    inert(response)
    assert response.status_code == 302
    case.refresh_from_db()
    if not case.is_closed:
        assert case.version == before[0]["version"] + 1, "only the current version reopens"
    else:
        assert _case_state(case) == before
        assert message_texts(response), "a refused reopen must say why"


@fuzz(20)
@given(
    data=form_data(
        {
            "kind": choice(list(ConsentKind.values)),
            "given_on": RECENT,
            "given_by": choice(list(ConsentGivenBy.values)),
        }
    )
)
def test_case_consents(client_for, alice, case_a, data):
    client = client_for(alice)
    before = rows(Consent, Consent.history.model)
    response = client.post(reverse("casework:case_consents", args=[case_a.pk]), data)
    text = inert(response)
    after = rows(Consent, Consent.history.model)
    if response.status_code == 302:
        assert after[Consent._meta.label] == before[Consent._meta.label] + 1
        # Let the next example record the same kind again.
        for consent in Consent.objects.filter(case=case_a, withdrawn_on__isnull=True).exclude(kind="sharing"):
            case_services.consent_withdraw(actor=alice, consent=consent)
    else:
        assert response.status_code == 200
        errors_shown(text, response.context["form"])
        assert after == before


@fuzz(20)
@given(data=form_data({"body": words(min_size=1), "shareable": CHECKBOX, "is_follow_up": CHECKBOX}))
def test_case_notes(client_for, alice, case_a, data):
    client = client_for(alice)
    case_a.refresh_from_db()
    before, version = rows(CaseNote, CaseNote.history.model), case_a.version
    response = client.post(reverse("casework:case_notes", args=[case_a.pk]), data)
    text = inert(response)
    if response.status_code == 302:
        assert rows(CaseNote)[CaseNote._meta.label] == before[CaseNote._meta.label] + 1
        page = inert(client.get(reverse("casework:case_notes", args=[case_a.pk])))
        if "<script>alert(1)</script>" in last(data["body"]):
            assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page, "the note is shown back, escaped"
    else:
        assert response.status_code == 200
        errors_shown(text, response.context["form"])
        assert rows(CaseNote, CaseNote.history.model) == before
        assert Case.objects.get(pk=case_a.pk).version == version


@fuzz(20)
@given(
    data=form_data(
        {
            "service_type": choice(list(ServiceType.values)),
            "provider": st.sampled_from([Ref("org_a"), Ref("org_b")]),
            "status": choice(list(ServiceStatus.values)),
            "started_on": st.one_of(st.just(""), RECENT),
            "ended_on": st.one_of(st.just(""), FUTURE),
            "outcome": words(),
        }
    )
)
def test_case_services(client_for, alice, org_a, org_b, case_a, data):
    client = client_for(alice)
    before = rows(ServiceRecord, ServiceRecord.history.model)
    response = client.post(
        reverse("casework:case_services", args=[case_a.pk]), resolve(data, {"org_a": org_a, "org_b": org_b})
    )
    text = inert(response)
    if response.status_code == 302:
        assert rows(ServiceRecord)[ServiceRecord._meta.label] == before[ServiceRecord._meta.label] + 1
        inert(client.get(reverse("casework:case_services", args=[case_a.pk])))
    else:
        assert response.status_code == 200
        errors_shown(text, response.context["form"])
        assert rows(ServiceRecord, ServiceRecord.history.model) == before


@fuzz(20)
@given(data=form_data({"is_restricted": CHECKBOX, "named_users": several([Ref("alice"), Ref("anna")])}, foreign=OTHERS))
def test_case_restriction(client_for, alice, anna, bob, carol, org_b, data):
    client = client_for(alice)
    case = Case.objects.filter(created_by=alice).first() or open_case(alice, name="Kasus Terbatas")
    refs = {"alice": alice, "anna": anna, "bob": bob, "carol": carol, "org_b": org_b}
    before = _case_state(case), rows(CaseUserObjectPermission, CaseGroupObjectPermission)
    response = client.post(reverse("casework:case_restriction", args=[case.pk]), resolve(data, refs))
    text = inert(response)
    if response.status_code == 302:
        case.refresh_from_db()
        assert case.is_restricted == ticked(data, "is_restricted")
        assert not CaseUserObjectPermission.objects.filter(content_object=case, user__in=[bob, carol]).exists()
    else:
        assert response.status_code == 200
        errors_shown(text, response.context["form"])
        assert (_case_state(case), rows(CaseUserObjectPermission, CaseGroupObjectPermission)) == before


SEARCHES = st.one_of(
    st.sampled_from(["", "zulaikha", MARKERS["nik"], MARKERS["phone"], "ORGA-2026-0001", "X1234567"]),
    words(),
)


@fuzz(25)
@given(q=st.one_of(SEARCHES, VALUES))
def test_case_search(client_for, alice, case_a, q):
    client = client_for(alice)
    before = rows(BlindIndex, Case)
    response = client.post(reverse("casework:case_search"), {"q": q})
    text = inert(response)
    if response.status_code == 200:  # refused: the list again, the reason beside the box
        errors_shown(text, response.context["search_form"])
    else:
        assert response.status_code == 302
        location = response.headers["Location"]
        # What was typed never travels in a URL: only a search token, or the one case found.
        assert re.fullmatch(r"/cases/(\?s=[\w-]+|[0-9a-f-]{36}/)", location), location
        inert(client.get(location))
    assert rows(BlindIndex, Case) == before


@fuzz(20)
@given(
    data=form_data(
        {
            "nik": st.sampled_from(["", MARKERS["nik"], "3404014101990002"]),
            "passport": st.sampled_from(["", MARKERS["passport"]]),
            "phones": st.sampled_from(["", MARKERS["phone"], "0812 3456 7890\n" + MARKERS["phone"]]),
        }
    )
)
def test_duplicate_check(client_for, alice, bob, case_a, data):
    client = client_for(bob)  # bob's organisation does not hold case_a: the check names organisation A, nothing else
    draft = services.intake_draft_open(actor=bob)  # the check runs only inside an intake being written
    before = rows(BlindIndex, Case)
    response = client.post(
        reverse("casework:duplicate_check"), {**data, "intake_draft": str(draft.pk)}, HTTP_HX_REQUEST="true"
    )
    text = inert(response)
    assert response.status_code == 200
    assert "<html" not in text, "a fragment for htmx"
    for marker in MARKERS.values():
        assert marker not in text
    assert rows(BlindIndex, Case) == before
