import pytest

from referrals import services


@pytest.fixture
def referral(alice, bob, case_a, org_b):
    """alice (organisation A) refers case_a to organisation B (bob's), sharing identity only."""
    return services.referral_send(
        actor=alice,
        case=case_a,
        to_org=org_b,
        services=["shelter"],
        urgency="urgent",
        reason="Butuh rumah aman segera. (rekaan)",
        sections=["identity"],
    )


@pytest.fixture
def accepted(referral, bob):
    return services.referral_accept(actor=bob, referral=referral)
