"""The caseworker's home: every figure equals the length of the filtered list it links to, and the page costs the
same number of statements whatever the number of cases."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from casework.models import Case
from tests.cases import open_case

pytestmark = pytest.mark.django_db


def _cases(alice, anna, n=1):
    today = timezone.localdate()
    made = []
    for _i in range(n):
        made += [
            open_case(alice, risk_level="high"),
            open_case(alice, risk_level="low"),
            open_case(anna, risk_level="medium"),
            open_case(anna, risk_level="high"),
        ]
    days = [today, today - timedelta(days=3), today, today + timedelta(days=4)]
    for index, case in enumerate(made):
        Case.objects.filter(pk=case.pk).update(next_follow_up=days[index % 4])
    return made


def _count_in_list(client, url):
    page = client.get(url)
    assert page.status_code == 200
    return len(page.context["page"].items)


def test_the_figures_match_the_lists_they_link_to(alice, anna, bob, client_for):
    _cases(alice, anna)
    open_case(bob, risk_level="high")  # another organisation: counted nowhere here
    client = client_for(alice)
    client.get(reverse("casework:case_detail", args=[Case.objects.filter(owner=alice.organisation).first().pk]))
    home = client.get(reverse("home"))
    panel = next(p for p in home.context["panels"] if p["key"] == "casework")["data"]
    figures = {item["key"]: item for item in panel["follow_ups"]}
    assert figures["today_mine"]["count"] == 1 and figures["overdue_mine"]["count"] == 1
    assert figures["today_all"]["count"] == 2 and figures["overdue_all"]["count"] == 1
    for item in [*panel["follow_ups"], *panel["risks"]]:
        assert _count_in_list(client, item["url"]) == item["count"], item["url"]
    assert _count_in_list(client, panel["open_url"]) == panel["open_total"] == 4
    assert len(panel["recent"]) == 1 and re.match(r"ORGA-\d{4}-\d{4}", panel["recent"][0]["reference"])
    text = home.content.decode()
    assert 'data-testid="home-casework"' in text and 'data-testid="home-referrals"' in text


def test_the_referral_figures(alice, bob, case_a, referral, client_for):
    bob_home = client_for(bob).get(reverse("home"))
    data = next(p for p in bob_home.context["panels"] if p["key"] == "referrals")["data"]
    assert data["incoming"] == 1 and data["soonest"][0]["reference"] == referral.reference
    first = data["soonest"][0]
    assert first["url"] == reverse("referrals:referral_detail", args=[referral.pk])
    assert first["from"] == alice.organisation.code and not first["overdue"]
    assert abs(first["left"] - (referral.deadline - timezone.now())).total_seconds() < 60
    assert first["url"] in bob_home.content.decode()
    inbox = client_for(bob).get(reverse("referrals:inbox"))
    assert len(inbox.context["incoming"]) == data["incoming"]
    alice_home = client_for(alice).get(reverse("home"))
    data = next(p for p in alice_home.context["panels"] if p["key"] == "referrals")["data"]
    assert data["sent_by_me"] == 1 and data["incoming"] == 0


def test_statements_per_request_do_not_grow_with_cases(alice, anna, client_for):
    client = client_for(alice)
    first = _cases(alice, anna)[0]
    client.get(reverse("casework:case_detail", args=[first.pk]))
    client.get(reverse("home"))
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("home"))
    _cases(alice, anna, n=5)
    for case in Case.objects.all()[:6]:
        client.get(reverse("casework:case_detail", args=[case.pk]))
    with CaptureQueriesContext(connection) as large:
        client.get(reverse("home"))
    assert len(large) == len(small), [q["sql"][:120] for q in large.captured_queries]


def test_coordinators_and_admins_see_no_case_panel(carol, dave, client_for):
    for user in (carol, dave):
        home = client_for(user).get(reverse("home"))
        assert not [p for p in home.context["panels"] if p["key"] in ("casework", "referrals")]


def _refer(actor, case, to_org):
    from casework import services
    from referrals import services as referrals

    services.consent_give(actor=actor, case=case, kind="sharing", given_on=timezone.localdate(), given_by="person")
    return referrals.referral_send(
        actor=actor,
        case=case,
        to_org=to_org,
        services=["shelter"],
        urgency="urgent",
        reason="Butuh rumah aman (rekaan).",
        sections=["identity"],
    )


def _home_statements(client) -> tuple[int, list[str]]:
    client.get(reverse("home"))  # warm the per-user caches (navigation counts) the same way for both
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("home"))
    assert response.status_code == 200
    return len(captured), [q["sql"][:120] for q in captured.captured_queries]


def test_the_home_costs_the_same_for_a_small_and_a_large_organisation(alice, anna, bob, org_a, org_b, client_for):
    """A small organisation (one case of each kind, one referral each way) and a large one (many colleagues, cases due
    and overdue for each, restricted cases, many referrals both ways, many recently opened cases): the same number of
    statements for the home page."""
    from tests.casework.attachment_helpers import colleague

    client = client_for(alice)
    # Small: one of everything the home shows, so that no panel is empty (an empty list may skip a statement).
    small_cases = _cases(alice, anna)
    client.get(reverse("casework:case_detail", args=[small_cases[0].pk]))
    _refer(alice, small_cases[0], org_b)
    _refer(bob, open_case(bob), org_a)
    small, _sql = _home_statements(client)
    # Large: more colleagues, each with cases due today and overdue, restricted ones, and many referrals both ways.
    others = [colleague(org_a, f"rekan-home-{i}") for i in range(4)]
    for person in [anna, *others]:
        _cases(alice, person, n=2)
    for index in range(3):
        restricted = open_case(alice, risk_level="high", restricted=True, named=[alice])
        Case.objects.filter(pk=restricted.pk).update(next_follow_up=timezone.localdate() - timedelta(days=index))
    for case in Case.objects.filter(owner=org_a).exclude(pk=small_cases[0].pk)[:6]:
        _refer(alice, case, org_b)
    for _i in range(6):
        _refer(bob, open_case(bob), org_a)
    for case in Case.objects.filter(owner=org_a)[:12]:
        client.get(reverse("casework:case_detail", args=[case.pk]))
    large, sql = _home_statements(client)
    assert Case.objects.filter(owner=org_a).count() > 10 * len(small_cases) // 4
    assert large == small, sql


def _ids(queryset):
    return set(queryset.values_list("pk", flat=True))


def test_the_home_counts_exactly_the_cases_the_gate_lets_each_user_see(
    alice, anna, bob, accepted, restricted_case, client_for
):
    """The home counts in two parts (own cases, and cases shared by referral) for speed: together they are the
    cases the gate allows, no more, no fewer, and never one twice."""
    from casework import access, selectors

    _cases(alice, anna)
    own_of_bob = open_case(bob, risk_level="high")
    summary = (access.FULL_VIEW, access.SECTION_PERMISSIONS["summary"])
    for user, expected_shared in ((alice, set()), (anna, set()), (bob, {accepted.case_id})):
        own, shared = access.cases_with_parts(user, *summary)
        assert _ids(own).isdisjoint(_ids(shared))
        assert _ids(own) | _ids(shared) == _ids(selectors.visible_cases(user))
        assert _ids(shared) == expected_shared
    assert restricted_case.pk in _ids(access.cases_with_parts(alice, *summary)[0])
    assert restricted_case.pk not in _ids(access.cases_with_parts(anna, *summary)[0])  # not named on it
    assert own_of_bob.pk in _ids(access.cases_with_parts(bob, *summary)[0])

    panel = next(p for p in client_for(bob).get(reverse("home")).context["panels"] if p["key"] == "casework")["data"]
    assert panel["open_total"] == 2  # bob's own case and the one referred to his organisation
    risks = {item["level"]: item["count"] for item in panel["risks"]}
    assert risks["high"] == 1 + (accepted.case.risk_level == "high")


def test_recently_opened_cases_are_newest_first_each_once_and_only_while_visible(alice, anna, client_for):
    first, second, third = (open_case(alice, risk_level="low") for _ in range(3))
    client = client_for(alice)
    for case in (first, second, third, first):
        assert client.get(reverse("casework:case_detail", args=[case.pk])).status_code == 200
    Case.objects.filter(pk=second.pk).update(is_restricted=True)
    from casework import access

    access.grant_owner(Case.objects.get(pk=second.pk), named_users=[anna])  # alice is no longer named on it
    panel = next(p for p in client.get(reverse("home")).context["panels"] if p["key"] == "casework")["data"]
    assert [item["reference"] for item in panel["recent"]] == [first.reference, third.reference]
    other = client_for(anna)
    other.get(reverse("home"))
    with CaptureQueriesContext(connection) as before:
        other.get(reverse("home"))  # anna opened nothing: the same statements
    client.get(reverse("home"))
    with CaptureQueriesContext(connection) as after:
        client.get(reverse("home"))
    assert len(before.captured_queries) == len(after.captured_queries)


def test_recently_opened_cases_are_the_visible_ones_among_the_views_shared_and_named_alike(
    alice, bob, org_b, client_for
):
    """Each viewed case is asked of its own grants: a case shared by an accepted referral is listed for the
    receiver while it is shared, and a grant naming a user on another organisation's case counts for nothing."""
    from datetime import date

    from casework import access
    from casework import services as case_services
    from casework.models import CaseUserObjectPermission
    from casework.selectors import visible_cases
    from referrals import services as referral_services

    shared, named_elsewhere = open_case(alice), open_case(alice)
    case_services.consent_give(actor=alice, case=shared, kind="sharing", given_on=date(2026, 1, 1), given_by="person")
    referral = referral_services.referral_send(
        actor=alice, case=shared, to_org=org_b, services=["shelter"], urgency="routine", reason="rekaan"
    )
    referral_services.referral_accept(actor=bob, referral=referral)
    CaseUserObjectPermission.objects.create(
        user=bob, content_object=named_elsewhere, permission=access._perm(access.FULL_VIEW)
    )
    own = open_case(bob)
    from audit import access_log
    from audit.models import AccessLog

    for case in (own, shared, named_elsewhere):  # as the case pages log a view
        access_log.record_for(AccessLog.Event.CASE_VIEWED, actor=bob, obj=case)

    def recent():
        panels = client_for(bob).get(reverse("home")).context["panels"]
        return [item["reference"] for item in next(p for p in panels if p["key"] == "casework")["data"]["recent"]]

    visible = set(visible_cases(bob).values_list("reference", flat=True))
    assert recent() == [shared.reference, own.reference]
    assert set(recent()) == visible & {own.reference, shared.reference, named_elsewhere.reference}
    referral_services.referral_complete(actor=bob, referral=referral, outcome="service_given")
    assert recent() == [own.reference]


def test_every_figure_counts_the_open_cases_the_gate_lets_each_user_see(
    alice, anna, bob, accepted, restricted_case, client_for
):
    """The own part is asked of the owner's rule (access.own_visible), not of the grants: each figure equals the
    count over the gate's visible cases, for the user named on a restricted case, a colleague who is not, and the
    organisation a case is referred to; and the gate's word wins once the rule changes (a case restricted later)."""
    from casework import home, selectors
    from casework import services as case_services

    made = _cases(alice, anna)
    Case.objects.filter(pk=restricted_case.pk).update(next_follow_up=timezone.localdate(), risk_level="high")
    today = timezone.localdate()

    def expected(user):
        cases = [c for c in selectors.visible_cases(user) if c.status != "closed"]
        mine = [c for c in cases if c.assigned_to_id == user.pk]
        return {
            "today_mine": sum(c.next_follow_up == today for c in mine),
            "overdue_mine": sum(c.next_follow_up is not None and c.next_follow_up < today for c in mine),
            "today_all": sum(c.next_follow_up == today for c in cases),
            "overdue_all": sum(c.next_follow_up is not None and c.next_follow_up < today for c in cases),
            **{f"risk_{level}": sum(c.risk_level == level for c in cases) for level in ("high", "medium", "low")},
        }

    def check():
        for user in (alice, anna, bob):
            assert home._open_case_figures(user) == expected(user), user.username

    check()
    assert home._open_case_figures(alice)["risk_high"] == home._open_case_figures(anna)["risk_high"] + 1
    before = home._open_case_figures(anna)["risk_high"]
    # alice's case, restricted to her: anna no longer sees it.
    case_services.case_set_restriction(actor=alice, case=made[0], is_restricted=True, named_users=[alice])
    check()
    assert home._open_case_figures(anna)["risk_high"] == before - 1
