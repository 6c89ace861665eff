"""The admins' audit screens: filters, per-case and per-user views, CSV export, flags, the chain check, the access
panel and the change history. Admins see references and user names, never identities or values."""

from datetime import datetime, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from audit import flags
from audit.models import AccessLog, AuditFlag
from notifications import reminders
from notifications.models import Notification
from referrals import services as referral_services
from tests.cases import MARKERS

pytestmark = pytest.mark.django_db

ADMIN_URLS = ["audit:log", "audit:export", "audit:flags", "audit:changes"]


@pytest.mark.parametrize("who", ["alice", "carol"])
def test_only_admins_reach_the_audit_screens(request, client_for, who, case_a):
    client = client_for(request.getfixturevalue(who))
    for name in ADMIN_URLS:
        assert client.get(reverse(name)).status_code == 403, name
    assert client.post(reverse("audit:verify")).status_code == 403
    assert client.get(reverse("audit:object", args=[case_a.pk])).status_code == 403
    assert client.get(reverse("casework:case_access_admin", args=[case_a.pk])).status_code == 403


def test_admin_finds_who_viewed_a_case_by_reference_and_sees_no_identity(client_for, dave, alice, bob, case_a):
    client_for(alice).get(reverse("casework:case_detail", args=[case_a.pk]))
    client_for(alice).post(reverse("casework:case_reveal", args=[case_a.pk, "nik"]))
    client_for(bob).get(reverse("casework:case_detail", args=[case_a.pk]))
    admin = client_for(dave)
    page = admin.get(reverse("audit:log"), {"reference": case_a.reference})
    events = {(e.actor.username, e.event) for e in page.context["page"].entries}
    assert {("alice", "case_viewed"), ("alice", "field_revealed"), ("bob", "access_denied")} <= events
    html = page.content.decode()
    for marker in MARKERS.values():
        assert marker not in html
    per_case = admin.get(reverse("audit:object", args=[case_a.pk]))
    assert {p["actor__username"] for p in per_case.context["people"]} == {"alice", "bob"}
    assert per_case.context["access_panel"] == reverse("casework:case_access_admin", args=[case_a.pk])


def test_filters_by_user_event_organisation_and_dates(client_for, dave, alice, case_a, org_a):
    client_for(alice).get(reverse("casework:case_detail", args=[case_a.pk]))
    admin = client_for(dave)
    entries = lambda **q: list(admin.get(reverse("audit:log"), q).context["page"].entries)  # noqa: E731
    assert {e.event for e in entries(user="alice", event="case_viewed")} == {"case_viewed"}
    assert all(e.organisation == org_a for e in entries(organisation=org_a.pk))
    today = timezone.localdate()
    assert entries(user="alice", date_from=today.isoformat(), date_to=today.isoformat())
    assert entries(user="alice", date_from=(today + timedelta(days=1)).isoformat()) == []
    bad = admin.get(reverse("audit:log"), {"date_from": "2026-02-30"})
    assert bad.status_code == 200 and "date_from" in bad.context["form"].errors


def test_the_per_user_view_and_its_export_which_is_logged(client_for, dave, alice, case_a):
    client_for(alice).get(reverse("casework:case_detail", args=[case_a.pk]))
    admin = client_for(dave)
    page = admin.get(reverse("audit:user", args=[alice.pk]))
    assert all(e.actor == alice for e in page.context["page"].entries)
    export = admin.get(reverse("audit:export"), {"user": "alice"})
    body = b"".join(export.streaming_content).decode()
    assert case_a.reference in body and "Kasus dilihat" in body and MARKERS["name"] not in body
    assert "case_viewed" not in body, "the CSV names events in words"
    assert AccessLog.objects.filter(event=AccessLog.Event.EXPORTED, actor=dave).exists()


def test_running_the_chain_check_from_the_screen_shows_its_result(client_for, dave, alice):
    admin = client_for(dave)
    admin.post(reverse("audit:verify"))
    page = admin.get(reverse("audit:log"))
    assert page.context["last_check"].ok
    assert "Rantai utuh" in page.content.decode()


def test_the_access_panel_lists_every_grant_and_why(client_for, alice, anna, bob, dave, case_a, org_b):
    referral = referral_services.referral_send(
        actor=alice,
        case=case_a,
        to_org=org_b,
        services=["shelter"],
        urgency="routine",
        reason="x",
        sections=["identity"],
    )
    referral_services.referral_accept(actor=bob, referral=referral)
    for client in (client_for(alice), client_for(dave)):
        url = (
            reverse("casework:case_access", args=[case_a.pk])
            if client is not None and client.session.get("_auth_user_id") == str(alice.pk)
            else reverse("casework:case_access_admin", args=[case_a.pk])
        )
        grants = client.get(url).context["grants"]
        reasons = {(g.who, g.reason): g for g in grants}
        assert set(reasons) == {("Organisasi A (fiktif)", "owner"), ("Organisasi B (fiktif)", "referral")}
        assert reasons[("Organisasi A (fiktif)", "owner")].members == ["alice", "anna"]
        assert reasons[("Organisasi B (fiktif)", "referral")].sections == ["Identitas"]
    assert client_for(bob).get(reverse("casework:case_access", args=[case_a.pk])).status_code == 404


def test_the_change_history_names_fields_but_never_values(client_for, dave, alice, case_a):
    from casework import services

    services.case_update(
        actor=alice,
        case=case_a,
        expected_version=case_a.version,
        summary={"risk_level": "low"},
        narrative="rahasia baru",
    )
    page = client_for(dave).get(reverse("audit:changes"), {"reference": case_a.reference})
    changes = page.context["changes"]
    assert changes[0].who == "alice" and changes[0].reference == case_a.reference
    assert "tingkat risiko" in changes[0].fields
    html = page.content.decode()
    assert "rahasia baru" not in html and "Rendah" not in html and MARKERS["narrative"] not in html


# --- Flags ------------------------------------------------------------------------------------------------------


def scan_at(when):
    with time_machine.travel(when, tick=False):
        return reminders.dispatch(send_email=False)


def at(hour, minute=0, day=1):
    return timezone.make_aware(datetime(2026, 12, day, hour, minute))  # 1 December 2026 is a Tuesday


def log(event, actor, when, **fields):
    with time_machine.travel(when, tick=False):
        from audit import access_log

        return access_log.record(event, actor=actor, **fields)


def test_many_distinct_cases_in_an_hour_are_flagged_and_admins_told(dave, alice, settings):
    import uuid

    settings.JEJARING_AUDIT_CASES_PER_HOUR = 3
    for minute in range(0, 40, 10):
        log(
            AccessLog.Event.CASE_VIEWED,
            alice,
            at(10, minute),
            object_type="case",
            object_id=uuid.uuid4(),
            object_ref="X",
        )
    scan_at(at(10, 45))
    flag = AuditFlag.objects.get(kind=AuditFlag.Kind.MANY_CASES)
    assert flag.actor == alice and flag.count == 4
    assert Notification.objects.filter(recipient=dave, kind=flags.KIND).exists()


def test_the_same_case_opened_often_is_not_many_cases(alice, settings):
    import uuid

    settings.JEJARING_AUDIT_NEW_MEMBER_HOURS = 0  # alice joined today: that flag is tested on its own
    settings.JEJARING_AUDIT_CASES_PER_HOUR = 3
    same = uuid.uuid4()
    for minute in range(0, 50, 5):
        log(AccessLog.Event.CASE_VIEWED, alice, at(10, minute), object_type="case", object_id=same)
    scan_at(at(11))
    assert not AuditFlag.objects.exists()


def test_access_outside_working_hours_and_exports_are_flagged(alice, settings):
    settings.JEJARING_AUDIT_NEW_MEMBER_HOURS = 0  # alice joined today: that flag is tested on its own
    log(AccessLog.Event.CASE_VIEWED, alice, at(22))
    log(AccessLog.Event.CASE_VIEWED, alice, at(23))
    log(AccessLog.Event.EXPORTED, alice, at(11))
    scan_at(at(23, 30))
    kinds = sorted(AuditFlag.objects.values_list("kind", "count"))
    assert kinds == [("export", 1), ("outside_hours", 2)]


def test_repeated_denials_are_flagged(bob, settings):
    settings.JEJARING_AUDIT_DENIALS_PER_HOUR = 3
    for minute in (1, 2):
        log(AccessLog.Event.ACCESS_DENIED, bob, at(9, minute))
    scan_at(at(9, 5))
    assert not AuditFlag.objects.exists()
    log(AccessLog.Event.ACCESS_DENIED, bob, at(9, 6))
    scan_at(at(9, 7))
    assert AuditFlag.objects.get().kind == AuditFlag.Kind.DENIALS


def test_a_sign_in_from_a_new_address_is_flagged_but_not_the_first_ever(alice):
    from django.test import Client

    from tests.factories import PASSWORD

    def sign_in(address):
        response = Client().post(
            reverse("accounts:login"), {"username": "alice", "password": PASSWORD}, REMOTE_ADDR=address
        )
        assert response.status_code == 302

    with time_machine.travel(at(9), tick=False):
        sign_in("10.1.1.1")
        sign_in("10.1.1.1")
    scan_at(at(9, 30))
    assert not AuditFlag.objects.exists()
    with time_machine.travel(at(10), tick=False):
        sign_in("10.9.9.9")
    scan_at(at(10, 5))
    assert AuditFlag.objects.get().kind == AuditFlag.Kind.NEW_ADDRESS


def test_a_flag_links_to_the_entries_behind_it_and_can_be_reviewed(client_for, dave, alice):
    log(AccessLog.Event.EXPORTED, alice, at(11))
    log(AccessLog.Event.SEARCHED, dave, at(11))
    scan_at(at(11, 5))
    flag = AuditFlag.objects.get()
    admin = client_for(dave)
    page = admin.get(reverse("audit:log"), {"flag": flag.pk})
    assert {e.actor for e in page.context["page"].entries} == {alice}
    admin.post(reverse("audit:flag_review", args=[flag.pk]))
    flag.refresh_from_db()
    assert flag.reviewed_by == dave
    assert admin.get(reverse("audit:flags")).context["flags"] == []


def test_the_change_history_covers_organisations_and_accounts_too(client_for, dave, org_a):
    from accounts import services as account_services

    org_a.name = "Organisasi A Berganti Nama (fiktif)"
    account_services.organisation_save(actor=dave, organisation=org_a)
    page = client_for(dave).get(reverse("audit:changes"), {"record": "organisation", "reference": org_a.code})
    change = page.context["changes"][0]
    assert (change.who, change.reference, change.fields) == ("dave", "ORGA", ["nama"])
    records = {c.record for c in client_for(dave).get(reverse("audit:changes")).context["changes"]}
    assert {"Organisasi", "Pengguna", "Keanggotaan"} <= records
