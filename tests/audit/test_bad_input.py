"""Bad input to the audit screens' filters: see tests/bad_input.py for the values tried and the checks made."""

from __future__ import annotations

import pytest

from tests.bad_input import *

pytestmark = pytest.mark.django_db


AUDIT_DATES = st.one_of(RECENT, st.just(""))


@fuzz(25)
@given(
    data=form_data(
        {
            "user": st.sampled_from(["", "alice", "ALICE "]),
            "organisation": st.one_of(st.just(""), st.sampled_from([Ref("org_a"), Ref("org_b")])),
            "reference": st.sampled_from(["", "ORGA-2026-0001", "orga"]),
            "event": choice(list(AccessLog.Event.values), blank=True),
            "date_from": AUDIT_DATES,
            "date_to": AUDIT_DATES,
            "after": st.sampled_from(["", "1", "100"]),
            "flag": st.sampled_from(["", "1"]),
        }
    )
)
def test_access_log_filters_and_export(client_for, dave, org_a, org_b, case_a, data):
    client = client_for(dave)
    params = resolve(data, {"org_a": org_a, "org_b": org_b})
    response = client.get(reverse("audit:log"), params)
    text = inert(response)
    assert response.status_code == 200
    form = response.context["form"]
    export = client.get(reverse("audit:export"), params)
    assert export.status_code == 200
    if form.is_bound and form.errors:
        errors_shown(text, form)
        # A filter that does not hold lists and exports nothing: the page shows the error instead.
        assert response.context["page"].entries == []
        assert not export.streaming and export.context["page"].entries == []
    else:
        assert b"".join(export.streaming_content).startswith(b"Entri,Waktu (WIB),Peristiwa")


@fuzz(25)
@given(
    data=form_data(
        {
            "record": st.sampled_from(["", "case", "referral", "casework.case"]),
            "user": st.sampled_from(["", "alice"]),
            "reference": st.sampled_from(["", "ORGA-2026-0001"]),
            "date_from": AUDIT_DATES,
            "date_to": AUDIT_DATES,
            "before": st.sampled_from(["", "2026-01-01T00:00:00+00:00", "0001-01-01T00:00:00+14:00", "2020-01-01"]),
        }
    )
)
def test_change_history_filters(client_for, dave, case_a, data):
    response = client_for(dave).get(reverse("audit:changes"), data)
    text = inert(response)
    assert response.status_code == 200
    form = response.context["form"]
    if form.is_bound and form.errors:
        errors_shown(text, form)
