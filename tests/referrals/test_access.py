"""The access matrix of every referral URL and method, and of the referred case's URLs by section shared."""

import pytest
from django.urls import reverse

from audit.models import AccessLog
from referrals import services
from referrals.models import Referral
from tests.cases import MARKERS

pytestmark = pytest.mark.django_db


def referral_urls(referral):
    r = referral.pk
    return {
        "detail": ("get", reverse("referrals:referral_detail", args=[r])),
        "accept": ("post", reverse("referrals:referral_accept", args=[r])),
        "decline": ("post", reverse("referrals:referral_decline", args=[r])),
        "cancel": ("post", reverse("referrals:referral_cancel", args=[r])),
        "complete": ("post", reverse("referrals:referral_complete", args=[r])),
        "update": ("post", reverse("referrals:referral_update", args=[r])),
        "reassign_form": ("get", reverse("referrals:referral_reassign", args=[r])),
        "reassign": ("post", reverse("referrals:referral_reassign", args=[r])),
    }


def status(client, method, url, data=None):
    return getattr(client, method)(url, data or {}).status_code


# Expected statuses with an empty POST (forms that need data answer 200 with errors, or redirect back).
EXPECTED = {
    # who: {url: status}
    "sender": {
        "detail": 200,
        "accept": 403,
        "decline": 403,
        "cancel": 302,
        "complete": 403,
        "update": 200,
        "reassign_form": 403,
        "reassign": 403,
    },
    "receiver": {
        "detail": 200,
        "accept": 302,
        "decline": 200,
        "cancel": 403,
        "complete": 200,
        "update": 200,
        "reassign_form": 403,
        "reassign": 403,
    },
    "third": {k: 404 for k in ["detail", "accept", "decline", "cancel", "complete", "update"]}
    | {"reassign_form": 403, "reassign": 403},
    "coordinator": {
        "detail": 200,
        "accept": 403,
        "decline": 403,
        "cancel": 403,
        "complete": 403,
        "update": 403,
        "reassign_form": 200,
        "reassign": 200,
    },
    "admin": {
        k: 403 for k in ["detail", "accept", "decline", "cancel", "complete", "update", "reassign_form", "reassign"]
    },
}
WHO = {"sender": "alice", "receiver": "bob", "third": "cecep", "coordinator": "carol", "admin": "dave"}


@pytest.mark.parametrize("side", list(EXPECTED))
def test_every_referral_url_for_each_side(request, client_for, referral, side):
    """Actions that change state are checked on a fresh copy of the state each time (accept is the receiver's)."""
    client = client_for(request.getfixturevalue(WHO[side]))
    for name, (method, url) in referral_urls(referral).items():
        if name == "accept" and side == "receiver":
            continue  # checked last: it changes the referral's state
        assert status(client, method, url) == EXPECTED[side][name], (side, name)
    if side == "receiver":
        assert status(client, "post", referral_urls(referral)["accept"][1]) == 302


def test_anonymous_is_sent_to_sign_in_everywhere(client, referral):
    for method, url in referral_urls(referral).values():
        response = getattr(client, method)(url)
        assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    for name in ["referrals:inbox", "referrals:queue"]:
        assert client.get(reverse(name)).status_code == 302


def test_list_pages_by_role(client_for, alice, carol, dave, referral, case_a):
    assert client_for(alice).get(reverse("referrals:inbox")).status_code == 200
    assert client_for(carol).get(reverse("referrals:inbox")).status_code == 403
    assert client_for(alice).get(reverse("referrals:queue")).status_code == 403
    assert client_for(carol).get(reverse("referrals:queue")).status_code == 200
    assert client_for(dave).get(reverse("referrals:queue")).status_code == 403
    create = reverse("referrals:referral_create", args=[case_a.pk])
    assert client_for(alice).get(create).status_code == 200
    assert client_for(carol).get(create).status_code == 403


def test_the_receiver_before_acceptance_sees_only_the_summary(client_for, bob, referral, case_a):
    page = client_for(bob).get(reverse("referrals:referral_detail", args=[referral.pk]))
    html = page.content.decode()
    assert "Rumah aman" in html and "Perempuan" in html
    assert "Butuh rumah aman segera" not in html, "the reason waits for acceptance"
    for marker in MARKERS.values():
        assert marker not in html
    assert client_for(bob).get(reverse("casework:case_detail", args=[case_a.pk])).status_code == 404
    entry = AccessLog.objects.filter(event=AccessLog.Event.CASE_VIEWED, actor=bob).get()
    assert entry.object_id == case_a.pk and entry.detail == "referral"


def test_the_coordinator_never_sees_identity_contact_or_narrative(client_for, carol, accepted, case_a):
    html = client_for(carol).get(reverse("referrals:referral_detail", args=[accepted.pk])).content.decode()
    for marker in MARKERS.values():
        assert marker not in html
    assert "Butuh rumah aman segera" not in html
    queue = client_for(carol).get(reverse("referrals:queue")).content.decode()
    assert accepted.reference in queue and MARKERS["name"] not in queue
    assert client_for(carol).get(reverse("casework:case_detail", args=[case_a.pk])).status_code == 403


CASE_TABS = {
    "summary": "casework:case_detail",
    "identity": "casework:case_identity",
    "notes": "casework:case_notes",
    "services": "casework:case_services",
    "history": "casework:case_history",
}


@pytest.mark.parametrize(
    ("shared", "sees", "hidden"),
    [
        ([], [], ["name", "nik", "phone", "address", "narrative", "needs", "note"]),
        (["identity"], ["name"], ["phone", "address", "narrative", "needs", "note"]),
        (["contact"], [], ["name", "nik", "narrative", "needs", "note"]),
        (["narrative"], ["narrative"], ["name", "nik", "phone", "needs", "note"]),
        (["needs"], ["needs"], ["name", "nik", "phone", "narrative", "note"]),
        (["notes"], [], ["name", "nik", "phone", "narrative", "needs", "note"]),
    ],
)
def test_after_acceptance_the_receiver_sees_exactly_the_shared_sections(
    client_for, alice, bob, case_a, org_b, shared, sees, hidden
):
    referral = services.referral_send(
        actor=alice, case=case_a, to_org=org_b, services=["legal_aid"], urgency="routine", reason="x", sections=shared
    )
    services.referral_accept(actor=bob, referral=referral)
    client = client_for(bob)
    pages = ""
    for name, url_name in CASE_TABS.items():
        response = client.get(reverse(url_name, args=[case_a.pk]))
        if name == "identity" and not ({"identity", "contact"} & set(shared)):
            assert response.status_code == 302, "no identity tab without identity or contact"
        elif name == "notes" and "notes" not in shared:
            pages += response.content.decode()  # the tab is empty
        else:
            assert response.status_code == 200, name
        pages += response.content.decode()
    for reveal in ["nik", "phones", "address"]:
        section = "identity" if reveal == "nik" else "contact"
        expected = 200 if section in shared else 404
        assert client.post(reverse("casework:case_reveal", args=[case_a.pk, reveal])).status_code == expected
    for key in sees:
        assert MARKERS[key] in pages, key
    for key in hidden:
        assert MARKERS[key] not in pages, key
    # Editing stays the owner's.
    assert client.get(reverse("casework:case_edit", args=[case_a.pk])).status_code == 404


def test_shared_notes_are_only_those_marked_shareable(client_for, alice, bob, case_a, org_b):
    from casework import services as case_services

    case_services.note_add(actor=alice, case=case_a, body="Catatan boleh dibagikan", shareable=True)
    referral = services.referral_send(
        actor=alice,
        case=case_a,
        to_org=org_b,
        services=["legal_aid"],
        urgency="routine",
        reason="x",
        sections=["notes"],
    )
    services.referral_accept(actor=bob, referral=referral)
    html = client_for(bob).get(reverse("casework:case_notes", args=[case_a.pk])).content.decode()
    assert "Catatan boleh dibagikan" in html and MARKERS["note"] not in html


def test_the_receiver_records_a_service_it_gave(client_for, bob, accepted, case_a, org_b):
    client = client_for(bob)
    response = client.post(
        reverse("casework:case_services", args=[case_a.pk]),
        {"service_type": "shelter", "provider": org_b.pk, "status": "in_progress"},
    )
    assert response.status_code == 302
    assert case_a.services.get().provider == org_b


def test_the_outgoing_list_hides_referrals_of_restricted_cases_from_colleagues_not_named(
    client_for, alice, anna, bob, org_b
):
    from casework import services as case_services
    from tests.cases import open_case

    secret = open_case(alice, restricted=True, named=[alice])
    from datetime import date

    case_services.consent_give(actor=alice, case=secret, kind="sharing", given_on=date(2026, 1, 1), given_by="person")
    referral = services.referral_send(
        actor=alice, case=secret, to_org=org_b, services=["shelter"], urgency="routine", reason="x"
    )

    def listed(user, name):
        return {row.pk for row in client_for(user).get(reverse("referrals:inbox")).context[name]}

    assert referral.pk in listed(alice, "outgoing")
    assert referral.pk not in listed(anna, "outgoing")
    assert referral.pk in listed(bob, "incoming")


def test_a_second_reassignment_of_the_same_referral_says_where_it_went(client_for, carol, referral, org_c):
    """A second click, or a colleague who reassigned it first: the page explains instead of refusing."""
    url = reverse("referrals:referral_reassign", args=[referral.pk])
    first = client_for(carol).post(url, {"to_org": org_c.pk, "reason": "C menawarkan layanan ini. (rekaan)"})
    assert first.status_code == 302
    referral.refresh_from_db()
    again = client_for(carol).post(url, {"to_org": org_c.pk, "reason": "Lagi. (rekaan)"}, follow=True)
    assert again.redirect_chain == [(reverse("referrals:referral_detail", args=[referral.pk]), 302)]
    html = again.content.decode()
    assert "can no longer be reassigned" in html or "tidak dapat dialihkan lagi" in html
    assert referral.reassigned_to.reference in html
    assert Referral.objects.filter(case=referral.case).count() == 2, "no second referral was made"
