"""Bad input to the network's forms and switchers: see tests/bad_input.py for the values tried and the checks made."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from network.disclosure import Period
from network.models import Challenge, PostedNeed
from tests.bad_input import *

pytestmark = pytest.mark.django_db
QUARTER = Period.quarter_of(date.today()).code
PROVINCES = ["11", "31", "53", "96"]


@fuzz(25)
@given(
    data=form_data(
        {
            "category": choice(["no_shelter", "civil_documents", "other"]),
            "province": choice(PROVINCES),
            "period": st.just(QUARTER),
            "description": words(min_size=1),
            "named": CHECKBOX,
        }
    )
)
def test_challenge_report(client_for, alice, data):
    client = client_for(alice)
    before = rows(Challenge)
    response = client.post(reverse("network:challenge_report"), data)
    text = inert(response)
    if response.status_code == 302:
        assert rows(Challenge)[Challenge._meta.label] == before[Challenge._meta.label] + 1
        inert(client.get(response.headers["Location"]))
    else:
        assert response.status_code == 200
        errors_shown(text, response.context["form"])
        assert rows(Challenge) == before


@fuzz(25)
@given(
    data=form_data(
        {
            "service": choice(["shelter", "legal_aid", "repatriation"]),
            "province": choice(PROVINCES),
            "urgency": choice(["high", "medium", "low"]),
            "expires_on": iso_dates(date.today(), date.today() + timedelta(days=60)),
            "text": words(min_size=1),
        }
    )
)
def test_need_post(client_for, alice, data):
    client = client_for(alice)
    before = rows(PostedNeed)
    response = client.post(reverse("network:need_post"), data)
    text = inert(response)
    if response.status_code == 302:
        assert rows(PostedNeed)[PostedNeed._meta.label] == before[PostedNeed._meta.label] + 1
    else:
        assert response.status_code == 200
        errors_shown(text, response.context["form"])
        assert rows(PostedNeed) == before


@fuzz(25)
@given(
    data=form_data(
        {
            "metric": choice(["origin", "exploitation", "sector", "recruitment", "challenges"]),
            "category": choice(["", "forced_labour", "domestic_work", "no_shelter"]),
            "period": st.just(str(date.today().year)),
        }
    )
)
def test_the_map_switchers(client_for, carol, data):
    response = client_for(carol).get(reverse("network:map"), data)
    text = inert(response)
    assert response.status_code == 200
    form = response.context["form"]
    if form.errors:
        errors_shown(text, form)


@fuzz(15)
@given(data=form_data({"service": choice(["shelter", "legal_aid"]), "level": choice(["available", "limited", "full"])}))
def test_capacity_set(client_for, cecep, data):
    response = client_for(cecep).post(reverse("network:capacity_set"), data)
    inert(response)
    assert response.status_code == 302
