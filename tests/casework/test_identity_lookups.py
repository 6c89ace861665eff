"""No identity oracle (issue 16, item 2): the duplicate check runs only inside an intake being written, identity
lookups are limited per user and hour, every check is logged with its outcome and never its value, the holder of a
matching case is told who asked, and the audit flags fire at their thresholds."""

from datetime import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from audit import flags
from audit.models import AccessLog, AuditFlag
from casework import services
from casework.models import Case
from casework.reminders import DUPLICATE_ASKED
from notifications import inbox, reminders
from notifications.models import Notification
from tests.cases import MARKERS
from tests.casework.test_views import intake_data

pytestmark = pytest.mark.django_db


def at(hour, minute=0):
    return timezone.make_aware(datetime(2026, 12, 1, hour, minute))  # a Tuesday, in working hours


def check(client, user, **identifiers):
    draft = services.intake_draft_open(actor=user)
    return client.post(
        reverse("casework:duplicate_check"), {"intake_draft": str(draft.pk), **identifiers}, HTTP_HX_REQUEST="true"
    )


def entries(event, actor):
    return list(AccessLog.objects.filter(event=event, actor=actor).values_list("detail", flat=True))


def test_the_duplicate_check_outside_an_intake_is_refused(client_for, alice, anna, bob, case_a):
    client = client_for(bob)
    response = client.post(reverse("casework:duplicate_check"), {"nik": MARKERS["nik"]}, HTTP_HX_REQUEST="true")
    assert response.status_code == 403
    assert 'data-testid="duplicate-refused"' in response.content.decode()
    # Someone else's draft does not open the check either.
    other = services.intake_draft_open(actor=anna)
    response = client.post(reverse("casework:duplicate_check"), {"nik": MARKERS["nik"], "intake_draft": str(other.pk)})
    assert response.status_code == 403
    assert entries(AccessLog.Event.DUPLICATE_CHECKED, bob) == []
    assert "Organisasi A" not in response.content.decode()


def test_the_21st_check_in_an_hour_is_refused_with_a_message_and_logged(client_for, bob, case_a, settings):
    assert settings.JEJARING_DUPLICATE_CHECKS_PER_HOUR == 20
    client = client_for(bob)
    with time_machine.travel(at(10), tick=False):
        for _ in range(20):
            response = check(client, bob, nik=MARKERS["nik"])
            assert response.status_code == 200 and 'data-testid="duplicate-warning"' in response.content.decode()
        refused = check(client, bob, nik=MARKERS["nik"])
    assert refused.status_code == 429
    html = refused.content.decode()
    assert "batas" in html and 'data-testid="duplicate-warning"' not in html  # "limit", in Indonesian
    assert entries(AccessLog.Event.DUPLICATE_CHECKED, bob) == ["matches=1"] * 20
    assert entries(AccessLog.Event.ACCESS_DENIED, bob) == ["limit:duplicate_check"]
    for detail in AccessLog.objects.values_list("detail", flat=True):
        assert MARKERS["nik"] not in detail
    # An hour later the check is answered again.
    with time_machine.travel(at(11, 1), tick=False):
        assert check(client, bob, nik=MARKERS["nik"]).status_code == 200


def test_the_holder_organisation_is_told_who_asked_without_the_identity(client_for, alice, bob, case_a, org_b):
    client = client_for(bob)
    check(client, bob, nik=MARKERS["nik"])
    check(client, bob, phones=MARKERS["phone"])  # the same case again, the same day: one notice
    reminders.dispatch(send_email=False)
    notice = Notification.objects.get(kind=DUPLICATE_ASKED)
    assert notice.recipient == alice and notice.object_ref == case_a.reference
    text = inbox.render(notice)
    assert org_b.code in text and case_a.reference in text
    for marker in MARKERS.values():
        assert marker not in text and marker not in str(notice.params)
    assert not Notification.objects.filter(kind=DUPLICATE_ASKED, recipient=bob).exists()


def test_a_case_of_ones_own_organisation_is_named_with_a_link(client_for, anna, bob, case_a):
    html = check(client_for(anna), anna, nik=MARKERS["nik"]).content.decode()
    assert case_a.reference in html and reverse("casework:case_detail", args=[case_a.pk]) in html
    reminders.dispatch(send_email=False)
    assert not Notification.objects.filter(kind=DUPLICATE_ASKED).exists(), "one's own organisation is not told"
    other = check(client_for(bob), bob, nik=MARKERS["nik"]).content.decode()
    assert case_a.reference not in other and str(case_a.pk) not in other


def test_a_restricted_case_one_may_not_open_is_named_only_by_organisation(client_for, alice, anna):
    from tests.cases import open_case

    nik = "3404014101990007"
    hidden = open_case(alice, nik=nik, restricted=True, named=[alice])
    html = check(client_for(anna), anna, nik=nik).content.decode()
    assert 'data-testid="duplicate-warning"' in html and hidden.reference not in html


def test_opening_a_duplicate_names_ones_own_case_with_a_link(client_for, anna, case_a):
    data = intake_data(nik=MARKERS["nik"], date_of_birth="1999-01-01", birth_year="")
    response = client_for(anna).post(reverse("casework:case_create"), data, follow=True)
    html = response.content.decode()
    assert f'<a href="{reverse("casework:case_detail", args=[case_a.pk])}">{case_a.reference}</a>' in html
    opened = Case.objects.exclude(pk=case_a.pk).get(owner=case_a.owner_id, created_by=anna)
    own_link = f'<a href="{reverse("casework:case_detail", args=[opened.pk])}">{opened.reference}</a>'
    assert own_link not in html, "the case just opened is not its own duplicate"


def test_lookups_past_the_limit_raise_a_flag(client_for, bob, case_a, settings):
    settings.JEJARING_DUPLICATE_CHECKS_PER_HOUR = 3
    client = client_for(bob)
    with time_machine.travel(at(10), tick=False):
        for _ in range(3):
            check(client, bob, nik=MARKERS["nik"])
    with time_machine.travel(at(10, 5), tick=False):
        reminders.dispatch(send_email=False)
    assert not AuditFlag.objects.filter(kind=AuditFlag.Kind.LOOKUP_LIMIT).exists()
    with time_machine.travel(at(10, 6), tick=False):
        assert check(client, bob, nik=MARKERS["nik"]).status_code == 429
    with time_machine.travel(at(10, 7), tick=False):
        reminders.dispatch(send_email=False)
    flag = AuditFlag.objects.get(kind=AuditFlag.Kind.LOOKUP_LIMIT)
    assert flag.actor == bob
    assert str(flags.EXPLANATIONS[AuditFlag.Kind.LOOKUP_LIMIT])


def test_many_checks_that_match_nothing_raise_a_flag(client_for, bob, settings):
    settings.JEJARING_AUDIT_EMPTY_PROBES_PER_HOUR = 5
    client = client_for(bob)
    niks = [f"34040141019900{n:02d}" for n in range(11, 16)]  # fictional, matching no case
    with time_machine.travel(at(10), tick=False):
        for nik in niks[:4]:
            assert check(client, bob, nik=nik).status_code == 200
    with time_machine.travel(at(10, 10), tick=False):
        reminders.dispatch(send_email=False)
    assert not AuditFlag.objects.filter(kind=AuditFlag.Kind.EMPTY_PROBES).exists()
    with time_machine.travel(at(10, 20), tick=False):
        check(client, bob, nik=niks[4])
    with time_machine.travel(at(10, 21), tick=False):
        reminders.dispatch(send_email=False)
    flag = AuditFlag.objects.get(kind=AuditFlag.Kind.EMPTY_PROBES)
    assert flag.actor == bob and flag.count == 5
    # Probes spread over more than an hour are not one probe.
    AuditFlag.objects.all().delete()


def test_empty_probes_spread_over_hours_are_not_flagged(client_for, bob, settings):
    settings.JEJARING_AUDIT_EMPTY_PROBES_PER_HOUR = 3
    client = client_for(bob)
    for hour, nik in zip((9, 11, 13), ("3404014101990021", "3404014101990022", "3404014101990023"), strict=True):
        with time_machine.travel(at(hour), tick=False):
            check(client, bob, nik=nik)
    with time_machine.travel(at(14), tick=False):
        reminders.dispatch(send_email=False)
    assert not AuditFlag.objects.filter(kind=AuditFlag.Kind.EMPTY_PROBES).exists()


def test_identity_search_has_the_same_limit_and_flag(client_for, alice, case_a, settings):
    settings.JEJARING_IDENTITY_SEARCHES_PER_HOUR = 2
    client = client_for(alice)
    with time_machine.travel(at(10), tick=False):
        for _ in range(2):
            assert client.post(reverse("casework:case_search"), {"q": MARKERS["nik"]}).status_code == 302
        refused = client.post(reverse("casework:case_search"), {"q": MARKERS["nik"]})
    assert refused.status_code == 429
    assert refused.context["search_form"].errors["q"]
    assert MARKERS["nik"] in refused.content.decode(), "what was typed stays in the box"
    assert entries(AccessLog.Event.ACCESS_DENIED, alice) == ["limit:identity_search"]
    with time_machine.travel(at(10, 5), tick=False):
        reminders.dispatch(send_email=False)
    assert AuditFlag.objects.filter(kind=AuditFlag.Kind.LOOKUP_LIMIT, actor=alice).exists()


def test_searches_that_match_nothing_count_as_empty_probes(client_for, alice, settings):
    settings.JEJARING_AUDIT_EMPTY_PROBES_PER_HOUR = 3
    client = client_for(alice)
    with time_machine.travel(at(10), tick=False):
        for nik in ("3404014101990031", "3404014101990032", "3404014101990033"):
            client.post(reverse("casework:case_search"), {"q": nik})
    with time_machine.travel(at(10, 5), tick=False):
        reminders.dispatch(send_email=False)
    assert AuditFlag.objects.filter(kind=AuditFlag.Kind.EMPTY_PROBES, actor=alice).exists()


@pytest.mark.parametrize("htmx", [False, True])
def test_revealing_identity_fields_has_the_same_limit(client_for, alice, case_a, settings, htmx):
    settings.JEJARING_IDENTITY_REVEALS_PER_HOUR = 1
    client = client_for(alice)
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    url = reverse("casework:case_reveal", args=[case_a.pk, "nik"])
    assert MARKERS["nik"] in client.post(url, **headers).content.decode()
    refused = client.post(url, **headers)
    assert refused.status_code == 429
    html = refused.content.decode()
    assert MARKERS["nik"] not in html and 'data-testid="reveal-refused"' in html
    assert entries(AccessLog.Event.FIELD_REVEALED, alice) == ["nik"]
    assert entries(AccessLog.Event.ACCESS_DENIED, alice) == ["limit:identity_reveal"]
