"""core.fields.ChoiceLabels: a model's get_<field>_display() says what Django's own says, for every choice of every
field with choices, in both languages, an unknown value as it is and a missing one as ""."""

import pytest
from django.db import models
from django.utils import translation

from accounts.models import Membership, Organisation
from casework.models import Case, CaseNote, Consent, ServiceRecord
from referrals.models import Referral, ReferralEvent

MODELS = [Case, Consent, ServiceRecord, CaseNote, Organisation, Membership, Referral, ReferralEvent]


@pytest.mark.parametrize("language", ["id", "en"])
@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_every_choice_reads_as_django_says(model, language):
    fields = [f for f in model._meta.concrete_fields if f.choices and not f.is_relation]
    assert fields or model in (CaseNote,), model
    with translation.override(language):
        for field in fields:
            for value in [*(code for code, _label in field.flatchoices), "no-such-code", None]:
                instance = model(**{field.attname: value})
                ours = getattr(instance, f"get_{field.name}_display")()
                theirs = models.Model._get_FIELD_display(instance, field)
                assert ours == ("" if theirs is None else str(theirs)), (field.name, value)
