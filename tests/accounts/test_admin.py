import pytest
from django.urls import reverse

from accounts.choices import Role
from accounts.models import Membership, User

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("who", ["alice", "carol"])
def test_only_the_admin_role_opens_the_admin(request, client_for, who):
    client = client_for(request.getfixturevalue(who))
    assert client.get(reverse("admin:index")).status_code == 403
    assert client.get(reverse("admin:accounts_organisation_changelist")).status_code == 403


def test_django_staff_flags_open_nothing(client_for, alice):
    alice.is_staff = True
    alice.is_superuser = True
    alice.save()
    assert client_for(alice).get(reverse("admin:index")).status_code == 403


def test_anonymous_is_sent_to_the_sign_in_page(client, db):
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_the_admin_lists_organisations_and_users_and_nothing_of_casework(client_for, dave):
    client = client_for(dave)
    page = client.get(reverse("admin:index"))
    assert page.status_code == 200
    registered = {model["object_name"] for app in page.context["app_list"] for model in app["models"]}
    assert registered == {"Organisation", "User"}


def test_an_admin_creates_a_caseworker_who_joins_the_group(client_for, dave, org_a):
    client = client_for(dave)
    response = client.post(
        reverse("admin:accounts_user_add"),
        {
            "username": "newcomer",
            "email": "newcomer@test.jejaring.invalid",
            "membership-TOTAL_FORMS": "1",
            "membership-INITIAL_FORMS": "0",
            "membership-MIN_NUM_FORMS": "1",
            "membership-MAX_NUM_FORMS": "1",
            "membership-0-organisation": org_a.pk,
            "membership-0-role": Role.CASEWORKER,
            "membership-0-is_active": "on",
        },
    )
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    user = User.objects.get(username="newcomer")
    assert Membership.objects.get(user=user).organisation == org_a
    assert list(user.groups.all()) == [org_a.group]
    assert user.history.first().history_user == dave
    assert not user.has_usable_password()  # the person chooses it, from the link sent to their own address
