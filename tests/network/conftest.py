"""Statistics-consented cases for the network's tests, through the real casework service."""

from __future__ import annotations

from datetime import date

import pytest

from casework import services as case_services
from casework.choices import CHILD_BANDS, ConsentGivenBy, ConsentKind, Gender, RiskLevel


def stat_cases(actor, n: int, *, consent: bool = True, sharing: bool = False, intake: date | None = None, **summary):
    """Open ``n`` cases at the actor's organisation, with the statistics consent unless told otherwise."""
    intake = intake or date.today()
    child = summary.get("age_band") in CHILD_BANDS
    given_by = ConsentGivenBy.GUARDIAN if child else ConsentGivenBy.PERSON
    consents = [{"kind": ConsentKind.STATISTICS, "given_on": intake, "given_by": given_by}] if consent else []
    if sharing:
        consents.append({"kind": ConsentKind.SHARING, "given_on": intake, "given_by": given_by})
    return [
        case_services.case_open(
            actor=actor,
            summary={"risk_level": RiskLevel.MEDIUM, "gender": Gender.FEMININE, "intake_date": intake, **summary},
            identity={"full_name": f"Orang Rekaan {i}", "aliases": []},
            contact={"phones": []},
            consents=consents,
        )
        for i in range(n)
    ]


@pytest.fixture
def refresh():
    from network import services

    return lambda: services.aggregates_refresh()
