"""Cases of the cast: ``case_a`` belongs to organisation A (alice's), ``restricted_case`` too but only alice is named.

Marker strings make leaks easy to find: no table, log, email or message may contain them in plain text.
"""

from __future__ import annotations

import pytest

from casework import services
from casework.choices import ConsentGivenBy, ConsentKind, ExploitationType, Gender, RiskLevel

MARKERS = {
    "name": "Zulaikha Markerwati",
    "alias": "Kembangmarker",
    "nik": "3404014101990001",
    "passport": "X1234567",
    "phone": "0812 9876 5432",
    "address": "Jalan Penanda Rahasia 17",
    "family": "Kakak Penandasari",
    "narrative": "NARASI-PENANDA-7731 direkrut lewat media sosial",
    "needs": "KEBUTUHAN-PENANDA-4410",
    "note": "CATATAN-PENANDA-9902",
}


def open_case(actor, *, name="Nama Uji Rekaan", nik="", phones=(), restricted=False, named=(), **summary):
    return services.case_open(
        actor=actor,
        summary={"risk_level": RiskLevel.MEDIUM, "gender": Gender.FEMININE, **summary},
        identity={"full_name": name, "nik": nik, "aliases": []},
        contact={"phones": list(phones)},
        narrative="Narasi rekaan untuk uji.",
        is_restricted=restricted,
        named_users=named,
    )


@pytest.fixture
def case_a(alice):
    from datetime import date

    case = services.case_open(
        actor=alice,
        summary={
            "risk_level": RiskLevel.HIGH,
            "gender": Gender.FEMININE,
            "exploitation_types": [ExploitationType.FORCED_LABOUR],
            "origin_province": "53",
        },
        identity={
            "full_name": MARKERS["name"],
            "aliases": [MARKERS["alias"]],
            "nik": MARKERS["nik"],
            "passport": MARKERS["passport"],
            "date_of_birth": "1999-01-01",
        },
        contact={"phones": [MARKERS["phone"]], "address": MARKERS["address"], "family_contact": MARKERS["family"]},
        narrative=MARKERS["narrative"],
        needs=MARKERS["needs"],
        consents=[{"kind": ConsentKind.SHARING, "given_on": date(2026, 1, 5), "given_by": ConsentGivenBy.PERSON}],
    )
    services.note_add(actor=alice, case=case, body=MARKERS["note"], shareable=False)
    return case


@pytest.fixture
def restricted_case(alice, anna):
    return open_case(alice, name="Rahasia Terbatas", restricted=True, named=[alice])
