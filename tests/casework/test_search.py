import pytest
from django.urls import reverse

from audit.models import AccessLog
from casework import selectors, services
from tests.cases import MARKERS, open_case

pytestmark = pytest.mark.django_db


def search(client, text):
    response = client.post(reverse("casework:case_search"), {"q": text})
    assert response.status_code == 302
    if "?s=" in response["Location"]:
        return [case.reference for case in client.get(response["Location"]).context["page"].items]
    return [client.get(response["Location"]).context["case"].reference]


@pytest.mark.parametrize(
    "typed",
    [
        MARKERS["nik"],
        "3404 0141 0199 0001",
        "+62 812-9876-5432",
        "081298765432",
        "zulaikha",
        "MARKERWATI zulaikha",
        "kembangmarker",
        "x1234567",
    ],
)
def test_the_owner_finds_a_case_by_nik_phone_passport_or_name(client_for, alice, case_a, typed):
    open_case(alice, name="Orang Lain Rekaan", nik="3404014101990002")
    assert search(client_for(alice), typed) == [case_a.reference]


def test_search_by_reference(client_for, alice, case_a):
    assert search(client_for(alice), case_a.reference.lower()) == [case_a.reference]


def test_a_partial_name_does_not_match(client_for, alice, case_a):
    assert search(client_for(alice), "zulai") == []


def test_another_organisation_finds_nothing(client_for, bob, case_a):
    client = client_for(bob)
    for typed in [MARKERS["nik"], MARKERS["phone"], "zulaikha", case_a.reference]:
        assert search(client, typed) == []


def test_a_search_is_logged_without_its_text_and_nothing_typed_reaches_the_url(client_for, alice, case_a):
    client = client_for(alice)
    response = client.post(reverse("casework:case_search"), {"q": "zulaikha markerwati"})
    assert "zulaikha" not in response["Location"].lower()
    entry = AccessLog.objects.get(event=AccessLog.Event.SEARCHED)
    assert entry.actor == alice
    assert "zulaikha" not in str(entry.__dict__).lower()


def test_the_duplicate_check_names_the_organisation_and_nothing_else(client_for, bob, case_a):
    draft = services.intake_draft_open(actor=bob)  # inside an intake being written
    response = client_for(bob).post(
        reverse("casework:duplicate_check"),
        {"nik": MARKERS["nik"], "phones": "0812 0000 0000", "intake_draft": str(draft.pk)},
    )
    html = response.content.decode()
    assert "Organisasi A (fiktif)" in html
    assert case_a.reference not in html
    assert MARKERS["name"] not in html
    entry = AccessLog.objects.get(event=AccessLog.Event.DUPLICATE_CHECKED)
    assert entry.actor == bob and entry.detail == "matches=1"


def test_the_duplicate_check_finds_a_phone_typed_differently(bob, case_a):
    matches = selectors.duplicate_matches(bob, phones=["+62 812 9876 5432"])
    assert [(m.organisation.code, m.kinds) for m in matches] == [("ORGA", ["phone"])]


def test_no_match_says_nothing(client_for, bob, case_a):
    response = client_for(bob).post(reverse("casework:duplicate_check"), {"nik": "3404014101990009"})
    assert "duplicate-warning" not in response.content.decode()


def test_opening_a_case_warns_of_a_duplicate_elsewhere(client_for, bob, case_a):
    from tests.casework.test_views import intake_data

    data = intake_data(nik=MARKERS["nik"], birth_year="1999")
    response = client_for(bob).post(reverse("casework:case_create"), data, follow=True)
    assert "Organisasi A (fiktif)" in response.content.decode()


def test_an_empty_search_says_why_beside_the_box(client_for, alice, case_a):
    response = client_for(alice).post(reverse("casework:case_search"), {"q": "   "})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_q_error"' in html and 'aria-invalid="true"' in html
    assert "Ketik nomor kasus, nama, NIK, atau nomor telepon untuk mencari." in html
    assert case_a.reference in html, "the list is still there"
    # The page answers a POST to /cases/search/: its filter form and page links must lead back to the list.
    assert f'method="get" action="{reverse("casework:case_list")}"' in html
    assert client_for(alice).get(reverse("casework:case_list"), {"status": "open"}).status_code == 200


@pytest.mark.parametrize(
    ("typed", "section"),
    [("serupa FIKTIFWATI", "identity"), ("3404 0141 0199 0007", "identity"), ("+62 812 5555 0007", "contact")],
)
def test_a_search_finds_exactly_the_cases_whose_section_the_gate_shows_each_user(
    alice, anna, bob, accepted, typed, section
):
    """For the owner, a colleague not named on a restricted case, the organisation a case was referred to (its
    identity shared, not its contact) and after that referral's end, a name, a NIK or a phone finds what the gate's
    section allows, no more and no fewer; a stale named grant on another organisation's case counts for nothing."""
    from casework import access
    from casework.models import CaseUserObjectPermission
    from referrals import services as referral_services

    person = {"name": "Serupa Fiktifwati", "nik": "3404014101990007", "phones": ["0812 5555 0007"]}
    plain = open_case(alice, **person)
    restricted = open_case(alice, **person, restricted=True, named=[alice])
    of_bob = open_case(bob, **person)
    referred = accepted.case
    referred.refresh_from_db()
    identity = {"full_name": person["name"], "nik": person["nik"], "aliases": []}
    services.case_update(
        actor=alice,
        case=referred,
        expected_version=referred.version,
        identity=identity,
        contact={"phones": person["phones"]},
    )
    view = access._perm(access.FULL_VIEW)
    CaseUserObjectPermission.objects.create(content_object=plain, user=bob, permission=view)  # stale: not bob's org

    def found(user):
        return set(selectors.search_case_ids(user, typed))

    def allowed(user):
        cases = selectors.visible_cases(user, section=section).filter(
            pk__in=[c.pk for c in (plain, restricted, of_bob, referred)]
        )
        return set(cases.values_list("pk", flat=True))

    assert found(alice) == allowed(alice) == {plain.pk, restricted.pk, referred.pk}
    assert found(anna) == allowed(anna) == {plain.pk, referred.pk}
    shared = {"identity": {referred.pk}, "contact": set()}[section]  # the referral shares identity only
    assert found(bob) == allowed(bob) == {of_bob.pk} | shared
    referral_services.referral_complete(actor=bob, referral=accepted, outcome="service_given")
    assert found(bob) == allowed(bob) == {of_bob.pk}


def test_a_cases_blind_indexes_carry_its_owner_when_opened_and_edited(alice, bob):
    """The search by name reads the owner copied onto the blind indexes (casework/search_sql.py): every row, of every
    kind, carries the case's owner, after the case is opened and after its identity and contact are edited."""
    from casework.models import BlindIndex

    case = open_case(alice, name="Serupa Fiktifwati", nik="3404014101990003", phones=["0812 1111 2222"])
    other = open_case(bob, name="Serupa Fiktifwati")
    case.refresh_from_db()
    identity = {"full_name": "Lain Rekaanwati", "nik": "3404014101990004", "aliases": ["Serupa"]}
    services.case_update(actor=alice, case=case, expected_version=case.version, identity=identity)
    rows = BlindIndex.objects.filter(case__in=[case, other])
    assert {kind for kind in rows.values_list("kind", flat=True)} == {"name", "nik", "phone"}
    assert set(rows.values_list("case_id", "owner_id")) == {(case.pk, case.owner_id), (other.pk, other.owner_id)}
    assert set(selectors.search_case_ids(alice, "lain serupa")) == {case.pk}
    assert set(selectors.search_case_ids(bob, "serupa fiktifwati")) == {other.pk}


def test_a_blind_index_copied_with_the_wrong_owner_finds_nothing_for_that_organisation(alice, bob):
    """The owner copied onto the blind indexes narrows the search; it never decides access on its own: rows that
    named another organisation (a copy gone wrong) give that organisation nothing."""
    from casework.models import BlindIndex

    case = open_case(alice, name="Serupa Fiktifwati", nik="3404014101990008")
    BlindIndex.objects.filter(case=case).update(owner=bob.organisation)
    assert selectors.search_case_ids(bob, "serupa fiktifwati") == []
    assert selectors.search_case_ids(bob, "3404014101990008") == []
