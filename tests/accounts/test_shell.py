"""The signed-in shell is cheap (issue 15): sessions come from the cache (with the database behind), the user comes
with their membership, organisation and second-factor state in one statement, the navigation's counts come from the
cache. None of it may weaken a security rule: every revocation takes effect on the very next request of a session
that sits in the cache."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.sessions.backends.cached_db import SessionStore
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY

from accounts import services as account_services
from accounts.choices import Role
from accounts.models import Authenticator as TOTPDevice
from audit import flags as audit_flags
from audit import services as audit_services
from audit.models import AuditFlag
from notifications import inbox, reminders
from notifications.models import Notification
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db

ACCOUNT = "/accounts/account/"  # the bench's baseline: a trivial signed-in page
MAX_STATEMENTS = 3
PING = "test.shell_ping"


def statements(client: Client, path: str = ACCOUNT) -> tuple[int, list[str]]:
    client.get(path)  # the first request fills the caches (session, counts)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return len(captured.captured_queries), [q["sql"] for q in captured.captured_queries]


def same_session(client: Client) -> Client:
    """Another browser holding the same session cookie (what a stolen or second tab's cookie would do)."""
    other = Client()
    other.cookies = client.cookies
    return other


def signed_out(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


# --- Statements ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["alice", "carol", "dave"])
def test_the_trivial_signed_in_page_takes_at_most_three_statements(request, who):
    user = request.getfixturevalue(who)
    count, sql = statements(sign_in(Client(), user))
    listing = "\n".join(f"  {n}. {text[:300]}" for n, text in enumerate(sql, start=1))
    assert count <= MAX_STATEMENTS, f"{count} statements for {ACCOUNT} as {who} (at most {MAX_STATEMENTS}):\n{listing}"


def test_the_session_comes_from_the_cache_and_the_membership_with_the_user(client_for, alice):
    _count, sql = statements(client_for(alice))
    assert not any("django_session" in text for text in sql)
    assert not any('FROM "accounts_membership"' in text for text in sql)
    assert not any('FROM "accounts_organisation"' in text for text in sql)
    assert not any('FROM "notifications_notification"' in text for text in sql)


def test_a_verified_second_factor_is_checked_with_the_user_not_loaded(client_for, carol):
    _count, sql = statements(client_for(carol))
    assert not any(text.startswith('SELECT "accounts_authenticator"') for text in sql), "the device is not loaded"


def test_the_session_is_still_written_to_the_database(client_for, alice):
    client = client_for(alice)
    key = client.cookies["sessionid"].value
    from django.contrib.sessions.models import Session

    assert Session.objects.filter(session_key=key).exists()
    assert isinstance(client.session, SessionStore)


# --- Revocation takes effect on the next request -------------------------------------------------------------


def test_signing_out_ends_the_cached_session_everywhere(client_for, alice):
    client = client_for(alice)
    other = same_session(client)
    assert other.get(ACCOUNT).status_code == 200
    client.post(reverse("accounts:logout"))
    assert signed_out(other.get(ACCOUNT))


def test_a_deactivated_account_is_signed_out_on_its_next_request(client_for, alice, dave):
    client = client_for(alice)
    assert client.get(ACCOUNT).status_code == 200
    account_services.user_set_active(actor=dave, user=alice, is_active=False)
    assert signed_out(client.get(ACCOUNT))


def test_a_deactivated_organisation_reaches_no_case_on_the_next_request(client_for, alice, org_a, case_a):
    client = client_for(alice)
    page = reverse("casework:case_detail", args=[case_a.pk])
    assert client.get(page).status_code == 200
    org_a.is_active = False
    account_services.organisation_save(actor=None, organisation=org_a)
    response = client.get(page)
    assert response.status_code in (403, 404)
    assert case_a.reference not in response.content.decode()


def test_a_suspended_membership_reaches_no_case_on_the_next_request(client_for, alice, org_a, case_a):
    client = client_for(alice)
    page = reverse("casework:case_detail", args=[case_a.pk])
    assert client.get(page).status_code == 200
    account_services.membership_set(actor=None, user=alice, organisation=org_a, role=Role.CASEWORKER, is_active=False)
    response = client.get(page)
    assert response.status_code in (403, 404)
    assert case_a.reference not in response.content.decode()


def test_a_password_changed_elsewhere_signs_the_cached_session_out(client_for, alice):
    client = client_for(alice)
    assert client.get(ACCOUNT).status_code == 200
    alice.set_password("another-long-password-2026")
    alice.save()
    assert signed_out(client.get(ACCOUNT))


def test_the_idle_timeout_ends_a_cached_session(client_for, alice, settings):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        client = client_for(alice)
        assert client.get(ACCOUNT).status_code == 200
        clock.move_to(start + settings.IDLE_TIMEOUT + timedelta(minutes=1))
        assert signed_out(client.get(ACCOUNT))
        clock.move_to(start + settings.IDLE_TIMEOUT + timedelta(minutes=2))
        assert signed_out(client.get(ACCOUNT)), "the session is gone, not just refused once"


def test_the_absolute_lifetime_ends_an_active_cached_session(client_for, alice, settings):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        client = client_for(alice)
        now = start
        while now < start + settings.SESSION_MAX_AGE - timedelta(minutes=20):
            now += timedelta(minutes=20)
            clock.move_to(now)
            assert client.get(ACCOUNT).status_code == 200
        clock.move_to(start + settings.SESSION_MAX_AGE + timedelta(seconds=30))
        assert signed_out(client.get(ACCOUNT))


# --- The second factor fails closed ---------------------------------------------------------------------------


def test_a_deleted_device_unverifies_the_session_on_the_next_request(client_for, carol):
    client = client_for(carol)
    assert client.get(ACCOUNT).status_code == 200
    TOTPDevice.objects.filter(user=carol).delete()
    response = client.get(ACCOUNT)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:two_factor_setup"))
    assert DEVICE_ID_SESSION_KEY not in client.session


def test_a_reset_device_unverifies_the_session_on_the_next_request(client_for, carol):
    client = client_for(carol)
    assert client.get(ACCOUNT).status_code == 200
    TOTPDevice.objects.filter(user=carol).update(confirmed=False)
    response = client.get(ACCOUNT)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:two_factor_setup"))


def test_a_replaced_device_unverifies_a_session_verified_with_the_old_one(client_for, carol):
    client = client_for(carol)
    TOTPDevice.objects.filter(user=carol).delete()
    TOTPDevice.objects.create(user=carol, name="authenticator", confirmed=True)
    response = client.get(ACCOUNT)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:two_factor_verify"))


def test_a_device_of_another_user_does_not_verify_a_session(client_for, carol, dave):
    client = client_for(carol)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.get(user=dave).persistent_id
    session.save()
    assert client.get(ACCOUNT)["Location"].startswith(reverse("accounts:two_factor_verify"))


@pytest.mark.parametrize("persistent_id", ["nonsense", "accounts.authenticator/x", "auth.user/1", "otp_totp.nope/1"])
def test_a_malformed_device_id_does_not_verify_a_session(client_for, carol, persistent_id):
    client = client_for(carol)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = persistent_id
    session.save()
    assert client.get(ACCOUNT)["Location"].startswith(reverse("accounts:two_factor_verify"))


def test_a_device_enrolled_in_another_session_is_asked_for_at_once(client_for, alice):
    client = client_for(alice)
    assert client.get(ACCOUNT).status_code == 200
    TOTPDevice.objects.create(user=alice, name="authenticator", confirmed=True)
    assert client.get(ACCOUNT)["Location"].startswith(reverse("accounts:two_factor_verify"))


def test_the_verified_device_is_still_there_for_who_reads_it(client_for, carol):
    client = client_for(carol)
    response = client.get(ACCOUNT)
    user = response.wsgi_request.user
    assert user.is_verified()
    assert user.otp_device.pk == TOTPDevice.objects.get(user=carol).pk


# --- The navigation's counts follow their writes --------------------------------------------------------------


@pytest.fixture
def ping_rule(alice):
    """A rule of the test's own: every reminder goes to alice."""
    reminders.register(reminders.Rule(kind=PING, recipients=lambda batch: {r.pk: [alice] for r in batch}))
    yield
    reminders._RULES.pop(PING, None)


def test_the_unread_badge_follows_a_delivery_and_marking_read(client_for, alice, ping_rule):
    client = client_for(alice)
    assert badge_of(client, "notifications:list") == 0  # counted, and now in the cache
    for n in range(2):
        reminders.schedule(kind=PING, due_at=timezone.now() - timedelta(minutes=1), dedupe_key=f"shell-{n}")
    reminders.dispatch(send_email=False)
    assert badge_of(client, "notifications:list") == 2
    first = Notification.objects.filter(recipient=alice).order_by("pk").first()
    client.get(reverse("notifications:open", args=[first.pk]))
    assert badge_of(client, "notifications:list") == 1
    client.post(reverse("notifications:mark_read"))
    assert badge_of(client, "notifications:list") == 0


def test_marking_read_about_an_object_forgets_every_readers_count(client_for, alice, anna):
    import uuid

    thing = uuid.uuid4()
    for user in (alice, anna):
        Notification.objects.create(recipient=user, kind=PING, object_id=thing, object_ref="T-1")
    clients = [client_for(alice), client_for(anna)]
    assert [badge_of(c, "notifications:list") for c in clients] == [1, 1]
    inbox.mark_read_about(object_id=thing, kinds=[PING])
    assert [badge_of(c, "notifications:list") for c in clients] == [0, 0]


def test_clearing_an_objects_reminders_cancels_and_marks_read_only_those_kinds_of_it(
    client_for, alice, anna, ping_rule
):
    """notifications.reminders.clear (one statement on PostgreSQL): pending reminders of the kinds about the object
    are cancelled and their unread notifications read, with every reader's count forgotten; nothing else changes."""
    import uuid

    from notifications.models import Reminder

    thing, other = uuid.uuid4(), uuid.uuid4()
    due = timezone.now() + timedelta(days=1)
    for key, object_id in (("a", thing), ("b", other)):
        reminders.schedule(kind=PING, due_at=due, dedupe_key=f"clear-{key}", object_id=object_id)
    sent = Reminder.objects.create(kind=PING, due_at=due, dedupe_key="clear-sent", object_id=thing, state="sent")
    for user in (alice, anna):
        Notification.objects.create(recipient=user, kind=PING, object_id=thing, object_ref="T-1")
    Notification.objects.create(recipient=alice, kind=PING, object_id=other, object_ref="T-2")
    Notification.objects.create(recipient=anna, kind="test.other_kind", object_id=thing, object_ref="T-1")
    clients = [client_for(alice), client_for(anna)]
    assert [badge_of(c, "notifications:list") for c in clients] == [2, 2]
    reminders.clear(object_id=thing, kinds=[PING])
    assert Reminder.objects.get(dedupe_key="clear-a").state == "cancelled"
    assert Reminder.objects.get(dedupe_key="clear-b").state == "pending"
    assert Reminder.objects.get(pk=sent.pk).state == "sent"
    unread = Notification.objects.filter(read_at__isnull=True)
    assert sorted(unread.values_list("object_ref", "kind")) == [("T-1", "test.other_kind"), ("T-2", PING)]
    assert [badge_of(c, "notifications:list") for c in clients] == [1, 1]


def test_the_open_flags_badge_follows_raising_and_reviewing(client_for, dave, alice):
    client = client_for(dave)
    before = AuditFlag.objects.filter(reviewed_at__isnull=True).count()
    assert badge_of(client, "audit:flags") == before
    now = timezone.now()
    flag = audit_flags._flag(AuditFlag.Kind.EXPORT, alice.pk, now, now, "export:test-shell")
    assert flag is not None
    assert badge_of(client, "audit:flags") == before + 1
    audit_services.flag_review(actor=dave, flag=flag)
    assert badge_of(client, "audit:flags") == before


def badge_of(client: Client, url_name: str) -> int:
    html = client.get(ACCOUNT).content.decode()
    link = f'href="{reverse(url_name)}"'
    assert link in html
    item = html.split(link, 1)[1].split("</a>", 1)[0]
    marker = 'data-testid="nav-badge">'
    return int(item.split(marker, 1)[1].split("<", 1)[0]) if marker in item else 0
