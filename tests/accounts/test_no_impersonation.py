"""No impersonation (issue 16, finding 1): nobody sets or learns another person's password through any admin page or
command; an admin may only send a reset link to the account's own address, reset its second factor, or deactivate
it; each action, and each change of an account's email, is a security notice to the person and to the other admins
and an access-log entry naming the admin. A superuser reaches no case and no password either."""

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.urls import reverse

from accounts.choices import Role
from accounts.models import Authenticator, User
from audit.models import AccessLog
from notifications import reminders
from notifications.models import Notification
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:accounts_user_changelist"


@pytest.fixture
def erna(network_org):
    """A second admin, who must hear of what dave does."""
    from tests.conftest import with_device

    return with_device(UserFactory(username="erna", organisation=network_org, role=Role.ADMIN))


def act(client, action, *users):
    return client.post(reverse(CHANGELIST), {"action": action, "_selected_action": [u.pk for u in users]})


def delivered(kind="accounts.account_action"):
    reminders.dispatch(send_email=True)
    return {n.recipient.username for n in Notification.objects.filter(kind=kind).select_related("recipient")}


def logged(event, actor, user):
    return AccessLog.objects.filter(event=event, actor=actor, object_type="user", object_ref=str(user.pk))


def test_the_set_password_page_is_refused_to_admins_and_superusers(client_for, dave, alice):
    url = f"/admin/accounts/user/{alice.pk}/password/"
    before = alice.password
    assert client_for(dave).get(url).status_code == 403
    assert (
        client_for(dave).post(url, {"password1": "Ganti-Sandi-123!", "password2": "Ganti-Sandi-123!"}).status_code
        == 403
    )
    User.objects.filter(pk=dave.pk).update(is_superuser=True, is_staff=True)
    dave.refresh_from_db()
    assert (
        client_for(dave).post(url, {"password1": "Ganti-Sandi-123!", "password2": "Ganti-Sandi-123!"}).status_code
        == 403
    )
    alice.refresh_from_db()
    assert alice.password == before
    assert AccessLog.objects.filter(event=AccessLog.Event.ACCESS_DENIED, actor=dave).count() == 3


def test_the_change_page_shows_no_password_and_no_link_to_set_it(client_for, dave, alice):
    page = client_for(dave).get(reverse("admin:accounts_user_change", args=[alice.pk])).content.decode()
    assert 'href="../password/"' not in page
    assert alice.password.split("$")[0] not in page  # not even the hash's algorithm summary
    assert "Send a password reset link" in page or "tautan" in page.lower()


def test_a_new_account_gets_no_password_from_the_admin_but_a_link_to_its_own_address(
    client_for, dave, erna, org_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(dave).post(
            reverse("admin:accounts_user_add"),
            {
                "username": "baru",
                "email": "baru@test.jejaring.invalid",
                "password1": "Admin-Memilih-123!",
                "password2": "Admin-Memilih-123!",
                "membership-TOTAL_FORMS": "1",
                "membership-INITIAL_FORMS": "0",
                "membership-MIN_NUM_FORMS": "1",
                "membership-MAX_NUM_FORMS": "1",
                "membership-0-organisation": org_a.pk,
                "membership-0-role": Role.CASEWORKER,
                "membership-0-is_active": "on",
            },
        )
    assert response.status_code == 302
    user = User.objects.get(username="baru")
    assert not user.has_usable_password()
    assert [m.to for m in mail.outbox] == [["baru@test.jejaring.invalid"]]
    assert "/password/reset/" in mail.outbox[0].body
    assert logged(AccessLog.Event.PASSWORD_RESET_SENT, dave, user).count() == 1


def test_sending_a_reset_link_mails_only_the_accounts_own_address_and_tells_everyone(
    client_for, dave, erna, alice, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert act(client_for(dave), "send_reset_link", alice).status_code == 302
    reset_mails = [m for m in mail.outbox if "/password/reset/" in m.body]
    assert [m.to for m in reset_mails] == [[alice.email]]
    assert logged(AccessLog.Event.PASSWORD_RESET_SENT, dave, alice).count() == 1
    assert delivered() == {"alice", "erna"}  # the person and the other admins, not the admin who acted
    notice = Notification.objects.filter(kind="accounts.account_action", recipient=alice).get()
    assert "dave" in str(notice.params) and alice.check_password(PASSWORD)


def test_resetting_the_second_factor_makes_the_person_enrol_again(client_for, client, dave, erna, carol):
    assert act(client_for(dave), "reset_two_factor", carol).status_code == 302
    assert not Authenticator.objects.filter(user=carol).exists()
    assert logged(AccessLog.Event.TWO_FACTOR_RESET, dave, carol).count() == 1
    assert delivered() == {"carol", "erna"}
    client.post(reverse("accounts:login"), {"username": "carol", "password": PASSWORD})
    assert client.get(reverse("home"))["Location"].startswith(reverse("accounts:two_factor_setup"))


def test_deactivating_an_account(client_for, dave, erna, alice):
    assert act(client_for(dave), "deactivate", alice).status_code == 302
    alice.refresh_from_db()
    assert not alice.is_active
    assert logged(AccessLog.Event.ACCOUNT_DEACTIVATED, dave, alice).count() == 1
    assert delivered() == {"alice", "erna"}


def test_an_admin_cannot_deactivate_themselves(client_for, dave):
    act(client_for(dave), "deactivate", dave)
    dave.refresh_from_db()
    assert dave.is_active


def test_changing_an_accounts_email_is_told_and_logged(client_for, dave, erna, alice):
    client = client_for(dave)
    page = client.get(reverse("admin:accounts_user_change", args=[alice.pk]))
    form = page.context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and name != "password"}
    membership = alice.membership
    data.update(
        {
            "email": "alamat.baru@test.jejaring.invalid",
            "is_active": "on",
            "last_login_0": "",
            "membership-TOTAL_FORMS": "1",
            "membership-INITIAL_FORMS": "1",
            "membership-MIN_NUM_FORMS": "1",
            "membership-MAX_NUM_FORMS": "1",
            "membership-0-id": membership.pk,
            "membership-0-user": alice.pk,
            "membership-0-organisation": membership.organisation_id,
            "membership-0-role": membership.role,
            "membership-0-is_active": "on",
        }
    )
    data.pop("last_login", None)
    data.pop("date_joined", None)
    data.pop("groups", None)
    data.pop("user_permissions", None)
    response = client.post(reverse("admin:accounts_user_change", args=[alice.pk]), data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    alice.refresh_from_db()
    assert alice.email == "alamat.baru@test.jejaring.invalid"
    assert logged(AccessLog.Event.EMAIL_CHANGED, dave, alice).count() == 1
    assert delivered() == {"alice", "erna"}


def test_a_superuser_without_the_admin_role_reaches_no_case_and_no_admin_page(client_for, case_a, org_a):
    root = UserFactory(username="root", organisation=org_a, role=Role.COORDINATOR)
    User.objects.filter(pk=root.pk).update(is_superuser=True, is_staff=True)
    from tests.conftest import with_device

    client = client_for(with_device(User.objects.get(pk=root.pk)))
    assert client.get(reverse("casework:case_detail", args=[case_a.pk])).status_code in {403, 404}
    assert client.get(reverse("casework:case_identity", args=[case_a.pk])).status_code in {403, 404}
    assert client.get("/admin/").status_code == 403
    assert client.get(f"/admin/accounts/user/{root.pk}/password/").status_code == 403


@pytest.mark.parametrize("command", ["changepassword", "createsuperuser"])
def test_djangos_password_commands_are_refused(command, alice):
    before = alice.password
    with pytest.raises(CommandError, match="refused"):
        call_command(command, "alice", username="x", email="x@test.jejaring.invalid", no_input=True)
    alice.refresh_from_db()
    assert alice.password == before and not User.objects.filter(username="x").exists()


def test_commands_that_change_accounts_log_what_they_did(monkeypatch, settings):
    monkeypatch.setattr("getpass.getpass", lambda prompt="": "a-long-enough-admin-password")
    call_command(
        "bootstrap_admin",
        username="root-admin",
        email="root@test.jejaring.invalid",
        organisation_code="SEK",
        organisation_name="Sekretariat Uji (fiktif)",
    )
    entry = AccessLog.objects.get(event=AccessLog.Event.ACCOUNT_COMMAND)
    assert entry.detail == "bootstrap_admin created admin"
    assert entry.object_ref == str(User.objects.get(username="root-admin").pk)
    assert entry.actor.username == "jejaring-system"
