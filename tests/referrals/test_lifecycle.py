"""Sending needs consent; every ending of a referral revokes the receiver's access; reassignment moves it on."""

from datetime import date, timedelta

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse

from casework import services as case_services
from casework.models import Consent
from notifications.models import Notification
from referrals import selectors, services
from referrals.choices import ReferralStatus
from referrals.models import Referral

pytestmark = pytest.mark.django_db


def case_url(case):
    return reverse("casework:case_detail", args=[case.pk])


def test_accepting_grants_and_declining_never_did(client_for, bob, referral, case_a):
    services.referral_decline(actor=bob, referral=referral, reason="no_capacity")
    assert client_for(bob).get(case_url(case_a)).status_code == 404


@pytest.mark.parametrize("ending", ["cancel", "complete", "reassign"])
def test_every_ending_revokes_the_old_receivers_access(
    client_for, alice, bob, carol, cecep, org_c, accepted, case_a, ending
):
    client = client_for(bob)
    assert client.get(case_url(case_a)).status_code == 200
    if ending == "cancel":
        services.referral_cancel(actor=alice, referral=accepted)
    elif ending == "complete":
        services.referral_complete(actor=bob, referral=accepted, outcome="service_given")
    else:
        services.referral_reassign(actor=carol, referral=accepted, to_org=org_c, reason="B tidak bisa menampung.")
    assert client.get(case_url(case_a)).status_code == 404
    assert client.get(reverse("casework:case_identity", args=[case_a.pk])).status_code == 404
    # The sender keeps full access throughout.
    assert client_for(alice).get(reverse("casework:case_identity", args=[case_a.pk])).status_code == 200


def test_another_accepted_referral_keeps_access_when_one_ends(client_for, alice, bob, case_a, org_b, accepted):
    second = services.referral_send(
        actor=alice,
        case=case_a,
        to_org=org_b,
        services=["legal_aid"],
        urgency="routine",
        reason="x",
        sections=["narrative"],
    )
    services.referral_accept(actor=bob, referral=second)
    services.referral_complete(actor=bob, referral=accepted, outcome="service_given")
    client = client_for(bob)
    assert client.get(case_url(case_a)).status_code == 200
    assert client.get(reverse("casework:case_identity", args=[case_a.pk])).status_code == 302, (
        "identity went with the first"
    )


def test_reassignment_creates_a_linked_referral_and_tells_everyone(carol, bob, cecep, alice, referral, org_c):
    services.referral_decline(actor=bob, referral=referral, reason="no_capacity")
    new = services.referral_reassign(actor=carol, referral=referral, to_org=org_c, reason="C menawarkan layanan ini.")
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.REASSIGNED and new.reassigned_from == referral
    assert new.to_org == org_c and new.status == ReferralStatus.SENT and new.sections == ["identity"]
    assert selectors.reason_of(new) == selectors.reason_of(referral)
    assert referral.closed_at is not None
    closed = referral.history.order_by("-history_id").first()
    assert (closed.history_type, closed.status, closed.history_user) == ("~", ReferralStatus.REASSIGNED, carol)
    assert closed.closed_at == referral.closed_at
    from notifications import reminders

    reminders.dispatch(send_email=False)
    assert Notification.objects.filter(recipient=cecep, kind="referrals.sent", object_id=new.pk).exists()
    assert Notification.objects.filter(recipient=alice, kind="referrals.reassigned").exists()
    assert Notification.objects.filter(recipient=bob, kind="referrals.reassigned").exists()
    assert Notification.objects.filter(recipient=carol, kind="referrals.declined").exists()


def test_only_a_coordinator_reassigns(alice, referral, org_c):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.referral_reassign(actor=alice, referral=referral, to_org=org_c, reason="x")


def test_no_referral_without_consent(alice, bob, org_b):
    from tests.cases import open_case

    case = open_case(alice)
    with pytest.raises(ValidationError) as error:
        services.referral_send(
            actor=alice, case=case, to_org=org_b, services=["shelter"], urgency="routine", reason="x"
        )
    assert "override_reason" in error.value.message_dict
    with pytest.raises(ValidationError, match="tidak mengizinkan"):
        services.referral_send(
            actor=alice,
            case=case,
            to_org=org_b,
            services=["shelter"],
            urgency="routine",
            reason="x",
            override_reason="Nyawanya terancam.",
        )
    assert not Referral.objects.exists()


def test_a_supervising_caseworker_records_an_override_and_coordinators_are_told(alice, carol, org_a, org_b):
    from accounts import services as account_services
    from notifications import reminders
    from tests.cases import open_case

    account_services.membership_set(
        actor=None, user=alice, organisation=org_a, role="caseworker", may_override_consent=True
    )
    case = open_case(alice)
    referral = services.referral_send(
        actor=alice,
        case=case,
        to_org=org_b,
        services=["emergency"],
        urgency="emergency",
        reason="x",
        override_reason="Nyawanya terancam.",
    )
    assert referral.consent_override and referral.consent is None
    assert selectors.override_reason_of(referral) == "Nyawanya terancam."
    reminders.dispatch(send_email=False)
    assert Notification.objects.filter(recipient=carol, kind="referrals.override").exists()


def test_withdrawing_consent_cancels_the_open_referrals_that_relied_on_it(client_for, alice, bob, accepted, case_a):
    consent = Consent.objects.get(case=case_a, kind="sharing")
    case_services.consent_withdraw(actor=alice, consent=consent, withdrawn_on=date(2026, 11, 27))
    accepted.refresh_from_db()
    assert accepted.status == ReferralStatus.CANCELLED
    assert client_for(bob).get(case_url(case_a)).status_code == 404


def test_a_referral_answered_while_consent_is_withdrawn_keeps_its_answer(monkeypatch, alice, bob, referral, case_a):
    """The receiver declines between the withdrawal's query and its row lock (as a concurrent request would): the
    decline stands instead of being overwritten as cancelled."""
    real_lock = services._locked

    def declined_meanwhile(row):
        monkeypatch.setattr(services, "_locked", real_lock)
        services.referral_decline(actor=bob, referral=row, reason="no_capacity")
        return real_lock(row)

    monkeypatch.setattr(services, "_locked", declined_meanwhile)
    consent = Consent.objects.get(case=case_a, kind="sharing")
    case_services.consent_withdraw(actor=alice, consent=consent, withdrawn_on=date(2026, 11, 27))
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.DECLINED and referral.decline_reason == "no_capacity"
    assert not referral.events.filter(kind="cancelled").exists()


def test_the_timeline_and_history_record_each_step_with_its_actor(bob, alice, accepted):
    services.referral_update(actor=bob, referral=accepted, note="Sudah di rumah aman.")
    services.referral_complete(actor=bob, referral=accepted, outcome="service_given")
    kinds = list(accepted.events.values_list("kind", "actor__username"))
    assert kinds == [("sent", "alice"), ("accepted", "bob"), ("update", "bob"), ("completed", "bob")]
    assert [h.history_user.username for h in accepted.history.order_by("history_date")] == [
        "alice",
        "bob",
        "bob",
        "bob",
    ]
    assert "Sudah di rumah aman." not in accepted.events.get(kind="update").note_enc


def test_a_declined_referral_cannot_be_accepted(bob, referral):
    services.referral_decline(actor=bob, referral=referral, reason="out_of_area")
    with pytest.raises(ValidationError):
        services.referral_accept(actor=bob, referral=referral)


def test_an_urgency_outside_the_choices_is_refused_as_bad_input_and_sends_nothing(alice, case_a, org_b):
    with pytest.raises(ValidationError) as error:
        services.referral_send(
            actor=alice, case=case_a, to_org=org_b, services=["shelter"], urgency="whenever", reason="x", sections=[]
        )
    assert "urgency" in error.value.message_dict
    assert not Referral.objects.filter(case=case_a).exists()
    referral = services.referral_send(
        actor=alice, case=case_a, to_org=org_b, services=["shelter"], urgency="urgent", reason="x", sections=[]
    )
    assert referral.deadline - referral.sent_at == timedelta(hours=settings.JEJARING_REFERRAL_DEADLINE_HOURS["urgent"])
