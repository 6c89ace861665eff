"""core.history.install: ``Model.history`` reads as simple-history's own descriptor gives it (a manager of the
historical model, bound to the instance or to none), its manager class made once."""

from casework.models import Case
from referrals.models import Referral


def test_the_history_manager_is_simple_historys_and_its_class_is_made_once(referral):
    bound = referral.history
    assert bound.instance == referral and bound.model is Referral.history.model
    assert [row.history_type for row in bound.all()] == ["+"]  # sent: one row, created
    assert Referral.history.instance is None and Referral.history.count() >= 1
    assert type(referral.history) is type(Referral.history)  # the one class, not one per read
    assert Case.history.model.__name__ == "HistoricalCase"
