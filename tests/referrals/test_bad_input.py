"""Bad input to the referral forms: see tests/bad_input.py for the values tried and the checks made."""

from __future__ import annotations

import pytest

from tests.bad_input import *

pytestmark = pytest.mark.django_db


@pytest.fixture
def case_without_consent(alice):
    return open_case(alice, name="Tanpa Persetujuan")


@fuzz(25)
@given(
    data=form_data(
        {
            "to_org": st.sampled_from([Ref("org_b"), Ref("org_c")]),
            "services": st.lists(st.sampled_from(list(ServiceType.values)), min_size=1, max_size=3, unique=True),
            "urgency": choice(list(Urgency.values)),
            "reason": words(min_size=1),
            "sections": several(["identity", "contact", "narrative", "needs", "notes"]),
            "override_reason": st.sampled_from(["", "Nyawanya terancam."]),
        },
        foreign=(Ref("org_a"), Ref("case_a"), Ref("bob")),
    ),
    consented=st.booleans(),
)
def test_referral_create(client_for, alice, bob, org_a, org_b, org_c, case_a, case_without_consent, data, consented):
    client = client_for(alice)
    case = case_a if consented else case_without_consent
    refs = {"org_a": org_a, "org_b": org_b, "org_c": org_c, "case_a": case_a, "bob": bob}
    before = rows(*REFERRAL_MODELS)
    response = client.post(reverse("referrals:referral_create", args=[case.pk]), resolve(data, refs))
    text = inert(response)
    if response.status_code == 302:
        assert consented, "alice may not refer without consent"
        assert rows(Referral)[Referral._meta.label] == before[Referral._meta.label] + 1
        inert(client.get(response.headers["Location"]))
    else:
        assert response.status_code == 200
        errors_shown(text, response.context["form"])
        assert rows(*REFERRAL_MODELS) == before, "a refused referral must save nothing"


class Referrals:
    """One referral of case_a from A to B in the wanted state, made afresh when an accepted action moved it on."""

    def __init__(self, alice: User, bob: User, case: Case, to_org: Any) -> None:
        self.alice, self.bob, self.case, self.to_org = alice, bob, case, to_org
        self.current: Referral | None = None

    def get(self, status: str) -> Referral:
        if self.current is not None:
            self.current.refresh_from_db()
        if self.current is None or self.current.status != status:
            self.current = referral_services.referral_send(
                actor=self.alice,
                case=self.case,
                to_org=self.to_org,
                services=["shelter"],
                urgency="urgent",
                reason="Butuh rumah aman. (rekaan)",
                sections=["identity"],
            )
            if status == ReferralStatus.ACCEPTED:
                referral_services.referral_accept(actor=self.bob, referral=self.current)
            elif status == ReferralStatus.DECLINED:
                referral_services.referral_decline(actor=self.bob, referral=self.current, reason="no_capacity")
            self.current.refresh_from_db()
        return self.current


@pytest.fixture
def referrals(alice, bob, case_a, org_b):
    return Referrals(alice, bob, case_a, org_b)


ACTIONS = {
    # url name: (who, status it needs, a status it cannot be done in, the form's name in the page's context, fields)
    "referrals:referral_decline": (
        "bob",
        ReferralStatus.SENT,
        ReferralStatus.ACCEPTED,
        "decline_form",
        {"reason": choice(list(DeclineReason.values)), "note": words()},
    ),
    "referrals:referral_complete": (
        "bob",
        ReferralStatus.ACCEPTED,
        ReferralStatus.SENT,
        "complete_form",
        {"outcome": choice(list(Outcome.values)), "note": words()},
    ),
    "referrals:referral_update": (
        "bob",
        ReferralStatus.SENT,
        ReferralStatus.DECLINED,
        "update_form",
        {"note": words(min_size=1)},
    ),
    "referrals:referral_cancel": (
        "alice",
        ReferralStatus.SENT,
        ReferralStatus.DECLINED,
        "cancel_form",
        {"note": words()},
    ),
}


@fuzz(24)
@given(action=st.sampled_from(sorted(ACTIONS)), stale=st.booleans(), data=st.data())
def test_referral_answers_and_updates(client_for, alice, bob, referrals, action, stale, data):
    """``stale``: the referral was answered meanwhile (another tab, a colleague), so the action cannot be done now."""
    who, status, other_status, form_name, valid = ACTIONS[action]
    payload = data.draw(form_data(valid, always_bad=stale), label="payload")
    referral = referrals.get(other_status if stale else status)
    client = client_for(alice if who == "alice" else bob)
    before = rows(*REFERRAL_MODELS)
    response = client.post(reverse(action, args=[referral.pk]), payload)
    text = inert(response)
    referral.refresh_from_db()
    if response.status_code == 302 and stale:
        assert rows(*REFERRAL_MODELS) == before and referral.status == other_status
        assert message_texts(response), "an action that cannot be done now must say why"
    elif response.status_code == 302:
        moved = referral.status != status or rows(ReferralEvent) != {
            ReferralEvent._meta.label: before[ReferralEvent._meta.label]
        }
        assert moved or message_texts(response), "an action that did nothing must say why"
        # The sender reads the timeline's notes (the receiver only once it accepted).
        page = inert(client_for(alice).get(reverse("referrals:referral_detail", args=[referral.pk])))
        if "<script>alert(1)</script>" in last(payload.get("note", "")) and action == "referrals:referral_update":
            assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page, "the update is shown back, escaped"
    elif stale:
        assert response.status_code == 200
        assert rows(*REFERRAL_MODELS) == before and referral.status == other_status
        if response.context[form_name].errors:  # sent back with its errors: they must be beside its fields
            errors_shown(text, response.context[form_name])
        else:  # its form is no longer on the page (the referral moved on): the page says why nothing was done
            shown = [str(message) for message in response.context["messages"]]
            assert shown and all(escape(message) in text for message in shown)
    else:
        assert response.status_code == 200
        errors_shown(text, response.context[form_name])
        assert referral.status == status
        assert rows(*REFERRAL_MODELS) == before, "a refused answer must save nothing"


@fuzz(15)
@given(
    data=form_data(
        {"to_org": st.sampled_from([Ref("org_c"), Ref("network_org")]), "reason": words(min_size=1)},
        foreign=(Ref("org_a"), Ref("org_b"), Ref("case_a")),
    )
)
def test_referral_reassign(client_for, carol, org_a, org_b, org_c, network_org, case_a, referrals, data):
    referral = referrals.get(ReferralStatus.SENT)
    refs = {"org_a": org_a, "org_b": org_b, "org_c": org_c, "network_org": network_org, "case_a": case_a}
    before = rows(*REFERRAL_MODELS)
    response = client_for(carol).post(reverse("referrals:referral_reassign", args=[referral.pk]), resolve(data, refs))
    text = inert(response)
    referral.refresh_from_db()
    if response.status_code == 302:
        assert referral.status == ReferralStatus.REASSIGNED
    else:
        assert response.status_code == 200
        errors_shown(text, response.context["form"])
        assert referral.status == ReferralStatus.SENT
        assert rows(*REFERRAL_MODELS) == before, "a refused reassignment must save nothing"


@fuzz(25)
@given(
    data=form_data(
        {
            "status": choice(list(ReferralStatus.values), blank=True),
            "urgency": choice(list(Urgency.values), blank=True),
            "overdue": CHECKBOX,
            "from_org": st.sampled_from(["", Ref("org_a")]),
            "to_org": st.sampled_from(["", Ref("org_b")]),
            "province": st.sampled_from(["", "53", "34"]),
            "service": choice(list(ServiceType.values), blank=True),
            "after": st.sampled_from(["", "1700000000.000000_00000000-0000-0000-0000-000000000000"]),
        }
    )
)
def test_coordinator_queue_filters(client_for, carol, org_a, org_b, referrals, data):
    referrals.get(ReferralStatus.SENT)
    response = client_for(carol).get(reverse("referrals:queue"), resolve(data, {"org_a": org_a, "org_b": org_b}))
    text = inert(response)
    assert response.status_code == 200
    form = response.context["form"]
    if form.is_bound and form.errors:
        errors_shown(text, form)
