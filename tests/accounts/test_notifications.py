import pytest
from django.core import mail
from django.urls import reverse

from notifications import reminders, security_notices
from notifications.models import Notification

pytestmark = pytest.mark.django_db


def notify(user, ref="ORGA-2026-0001"):
    return Notification.objects.create(
        recipient=user, kind="casework.follow_up_due", object_type="case", object_ref=ref, params={"date": "2026-12-07"}
    )


def test_the_unread_count_shows_in_the_navigation(client_for, alice):
    notify(alice)
    notify(alice)
    html = client_for(alice).get(reverse("home")).content.decode()
    assert 'data-testid="nav-badge">2' in html


def test_the_inbox_renders_each_notification_in_the_readers_language(client_for, alice):
    notify(alice)
    page = client_for(alice).get(reverse("notifications:list"))
    assert "Pemantauan kasus ORGA-2026-0001 jatuh tempo" in page.content.decode()
    alice.language = "en"
    alice.save()
    page = client_for(alice).get(reverse("notifications:list"))
    assert "A follow-up of case ORGA-2026-0001 is due" in page.content.decode()


def test_opening_a_notification_marks_it_read_and_follows_its_link(client_for, alice, case_a):
    note = Notification.objects.create(
        recipient=alice,
        kind="casework.follow_up_due",
        object_type="case",
        object_id=case_a.pk,
        object_ref=case_a.reference,
        params={"date": "2026-12-07"},
    )
    response = client_for(alice).get(reverse("notifications:open", args=[note.pk]))
    assert response["Location"] == reverse("casework:case_detail", args=[case_a.pk])
    note.refresh_from_db()
    assert note.read_at is not None


def test_someone_elses_notification_is_404(client_for, alice, bob):
    note = notify(alice)
    assert client_for(bob).get(reverse("notifications:open", args=[note.pk])).status_code == 404
    client_for(bob).post(reverse("notifications:mark_read"), {"id": note.pk})
    note.refresh_from_db()
    assert note.read_at is None


def test_mark_one_or_all_read(client_for, alice):
    first, _, _ = notify(alice), notify(alice), notify(alice)
    client = client_for(alice)
    client.post(reverse("notifications:mark_read"), {"id": first.pk})
    assert Notification.objects.filter(read_at__isnull=True).count() == 2
    client.post(reverse("notifications:mark_read"))
    assert not Notification.objects.filter(read_at__isnull=True).exists()


@pytest.mark.parametrize("who", ["alice", "carol", "dave"])
def test_every_role_has_an_inbox(request, client_for, who):
    assert client_for(request.getfixturevalue(who)).get(reverse("notifications:list")).status_code == 200


def test_anonymous_has_no_inbox(client, db):
    assert client.get(reverse("notifications:list")).status_code == 302


def test_security_notices_cannot_be_turned_off_and_come_on_a_password_change(client_for, alice):
    client = client_for(alice)
    page = client.get(reverse("notifications:preferences")).content.decode()
    assert 'value="accounts.password_changed" id' in page and "disabled" in page
    client.post(reverse("notifications:preferences"), {"email": []})
    client.post(
        reverse("accounts:password_change"),
        {
            "old_password": "correct-horse-battery-staple",
            "new_password1": "a-new-long-password-1",
            "new_password2": "a-new-long-password-1",
        },
    )
    reminders.dispatch()
    assert Notification.objects.get(recipient=alice).kind == security_notices.PASSWORD_CHANGED
    assert [m.to for m in mail.outbox] == [["alice@test.jejaring.invalid"]]


def test_a_membership_an_admin_changes_is_told_to_the_other_admins(client_for, dave, alice, org_b, network_org):
    from accounts import services
    from accounts.choices import Role
    from tests.conftest import with_device
    from tests.factories import UserFactory

    dina = with_device(UserFactory(username="dina", organisation=network_org, role=Role.ADMIN))
    reminders.dispatch()
    before = set(Notification.objects.values_list("pk", flat=True))
    services.membership_set(actor=dave, user=dave, organisation=org_b, role=Role.CASEWORKER)  # an admin, to themself
    services.membership_set(actor=None, user=alice, organisation=org_b, role=Role.CASEWORKER)  # a command: no notice
    reminders.dispatch()
    new = Notification.objects.exclude(pk__in=before)
    assert [(n.recipient, n.kind) for n in new] == [(dina, security_notices.MEMBERSHIP_CHANGED)]
    dina_client = client_for(dina)
    page = dina_client.get(reverse("notifications:list")).content.decode()
    assert "ORGB" in page and "membership" not in page, "told in dina's language (Indonesian), naming no one"
    opened = dina_client.get(reverse("notifications:open", args=[new.get().pk]))
    assert opened["Location"] == reverse("audit:changes")
    assert "dave" not in mail.outbox[-1].body and mail.outbox[-1].to == ["dina@test.jejaring.invalid"]
