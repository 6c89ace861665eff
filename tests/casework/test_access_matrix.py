"""Every case URL and method, for each member of the cast."""

import pytest
from django.urls import reverse

from audit.models import AccessLog
from casework.models import Consent

pytestmark = pytest.mark.django_db


def case_urls(case):
    consent = Consent.objects.filter(case=case).first()
    urls = [
        ("get", reverse("casework:case_detail", args=[case.pk])),
        ("get", reverse("casework:case_identity", args=[case.pk])),
        ("post", reverse("casework:case_reveal", args=[case.pk, "nik"])),
        ("get", reverse("casework:case_notes", args=[case.pk])),
        ("post", reverse("casework:case_notes", args=[case.pk])),
        ("get", reverse("casework:case_services", args=[case.pk])),
        ("post", reverse("casework:case_services", args=[case.pk])),
        ("get", reverse("casework:case_history", args=[case.pk])),
        ("get", reverse("casework:case_edit", args=[case.pk])),
        ("post", reverse("casework:case_edit", args=[case.pk])),
        ("get", reverse("casework:case_close", args=[case.pk])),
        ("post", reverse("casework:case_close", args=[case.pk])),
        ("post", reverse("casework:case_reopen", args=[case.pk])),
        ("get", reverse("casework:case_consents", args=[case.pk])),
        ("post", reverse("casework:case_consents", args=[case.pk])),
        ("get", reverse("casework:case_restriction", args=[case.pk])),
        ("post", reverse("casework:case_restriction", args=[case.pk])),
    ]
    if consent is not None:
        urls.append(("post", reverse("casework:consent_withdraw", args=[case.pk, consent.pk])))
    return urls


LIST_URLS = [
    ("get", "casework:case_list"),
    ("post", "casework:case_search"),
    ("get", "casework:case_export"),
    ("get", "casework:case_create"),
    ("post", "casework:case_create"),
    ("post", "casework:duplicate_check"),
    ("get", "casework:regency_options"),
]


def test_the_owner_organisations_caseworker_reaches_every_case_url(client_for, alice, case_a):
    client = client_for(alice)
    for method, url in case_urls(case_a):
        response = getattr(client, method)(url)
        assert response.status_code in (200, 302), (method, url, response.status_code)


@pytest.mark.parametrize("who", ["bob", "anna_on_restricted"])
def test_anyone_without_a_grant_gets_404_everywhere_and_it_is_logged(request, client_for, case_a, restricted_case, who):
    if who == "bob":
        user, case = request.getfixturevalue("bob"), case_a
    else:
        user, case = request.getfixturevalue("anna"), restricted_case
    client = client_for(user)
    for method, url in case_urls(case):
        assert getattr(client, method)(url).status_code == 404, (method, url)
    denied = AccessLog.objects.filter(event=AccessLog.Event.ACCESS_DENIED, actor=user, object_id=case.pk)
    assert denied.count() == len(case_urls(case))


@pytest.mark.parametrize("who", ["carol", "dave"])
def test_coordinators_and_admins_see_no_case_contents(request, client_for, case_a, who):
    client = client_for(request.getfixturevalue(who))
    for method, url in case_urls(case_a):
        assert getattr(client, method)(url).status_code == 403, (method, url)
    for method, name in LIST_URLS:
        assert getattr(client, method)(reverse(name)).status_code == 403, (method, name)


def test_anonymous_visitors_are_sent_to_sign_in(client, case_a):
    for method, url in case_urls(case_a) + [(m, reverse(n)) for m, n in LIST_URLS]:
        response = getattr(client, method)(url)
        if (method, url) == ("post", reverse("casework:case_create")):
            # A signed-out intake is kept in the page (with a sign-in link), not dropped at the sign-in page.
            assert response.status_code == 401 and reverse("accounts:login") in response.content.decode()
            continue
        assert response.status_code == 302, (method, url)
        assert response["Location"].startswith(reverse("accounts:login"))


def test_caseworkers_reach_the_list_pages(client_for, alice):
    client = client_for(alice)
    for method, name in LIST_URLS:
        assert getattr(client, method)(reverse(name)).status_code in (200, 302), (method, name)


def test_a_named_colleague_opens_the_restricted_case_and_the_list_hides_it_from_others(
    client_for, alice, anna, restricted_case, case_a
):
    assert client_for(alice).get(reverse("casework:case_detail", args=[restricted_case.pk])).status_code == 200
    anna_list = client_for(anna).get(reverse("casework:case_list"))
    references = [case.reference for case in anna_list.context["page"].items]
    assert case_a.reference in references
    assert restricted_case.reference not in references


def test_a_former_caseworker_turned_coordinator_loses_every_case(client_for, alice, anna, case_a, org_a):
    from accounts import services
    from accounts.choices import Role
    from tests.cases import open_case
    from tests.conftest import with_device

    open_case(alice, restricted=True, named=[alice, anna])  # anna stays named, so alice may change role
    services.membership_set(actor=None, user=alice, organisation=org_a, role=Role.COORDINATOR)
    with_device(alice)
    client = client_for(alice)
    assert client.get(reverse("casework:case_detail", args=[case_a.pk])).status_code == 403
    from casework.selectors import visible_cases

    assert not visible_cases(alice).exists(), "named grants on restricted cases stop working too"
