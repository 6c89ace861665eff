import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command

from accounts import demo
from accounts.models import Organisation, User
from casework.models import Case
from referrals.models import Referral

pytestmark = pytest.mark.django_db


def test_seed_demo_builds_the_network_once(settings, capsys):
    call_command("seed_demo")
    counts = (Organisation.objects.count(), User.objects.count(), Case.objects.count(), Referral.objects.count())
    call_command("seed_demo")
    assert (
        Organisation.objects.count(),
        User.objects.count(),
        Case.objects.count(),
        Referral.objects.count(),
    ) == counts
    assert counts[0] == len(demo.ORGANISATIONS) and counts[2] >= 30 and counts[3] >= 4
    assert len({o.province for o in Organisation.objects.all()}) >= 6
    output = capsys.readouterr().out
    assert demo.DEMO_PASSWORD in output and "koordinator.satu" in output


def test_every_demo_user_can_sign_in(settings):
    call_command("seed_demo")
    from django.test import RequestFactory

    for username, *_rest in demo.PEOPLE:
        request = RequestFactory().post("/accounts/sign-in/")
        assert authenticate(request, username=username, password=demo.DEMO_PASSWORD) is not None, username


def test_seed_demo_is_refused_in_production(settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError):
        call_command("seed_demo")
