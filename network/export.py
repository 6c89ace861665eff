"""An HTCDS-shaped, k-anonymised export of statistics-consented cases, for contributing to CTDC.

Field names follow HTCDS 2.0 (IOM, CC BY 4.0). Each row is one case, with its quasi-identifiers (age band, gender,
origin province, destination, type of exploitation) generalised step by step until every combination that is
exported is shared by at least k cases; the cases still in smaller groups at the last step are left out
(suppression). No identifier of a case or an organisation is exported.

Generalisation levels:
0. age band, gender, province of origin, destination country (or "ID"), the exploitation types;
1. age as child / adult, origin as island group, destination as country;
2. age as child / adult, origin as "ID", destination as domestic / abroad, exploitation as a single type or
   "Multiple".
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from casework import selectors as case_selectors
from casework.choices import CHILD_BANDS, AgeBand

HEADER = [
    "prs_Gender",
    "vic_AgeWhenTrafficked",
    "vic_LocationOfRecruitment",
    "hte_Country",
    "vic_TypeOfExploitation",
    "vic_TraffickingStatus",
]
GENDER = {
    "feminine": "Feminine",
    "masculine": "Masculine",
    "transgender_feminine": "TransgenderFeminine",
    "transgender_masculine": "TransgenderMasculine",
    "non_conforming": "NonConforming",
    "unknown": "NonSpecifiedUnknown",
}
EXPLOITATION = {
    "forced_labour": "ForcedLabour",
    "sexual_exploitation": "SexualExploitation",
    "child_labour": "ChildLabour",
    "forced_marriage": "ForcedMarriage",
    "servitude": "Servitude",
    "organ_removal": "OrganRemoval",
    "forced_begging": "ForcedBegging",
    "forced_adoption": "ForcedAdoption",
    "surrogacy": "Surrogacy",
}
STATUS = {"possible": "Presumed", "confirmed": "Confirmed", "not_a_victim": "NotAVictim"}
ISLANDS = {"1": "Sumatera", "2": "Sumatera", "3": "Jawa", "5": "Bali-Nusa Tenggara", "6": "Kalimantan",
           "7": "Sulawesi", "8": "Maluku", "9": "Papua"}  # fmt: skip
AGE = {
    AgeBand.CHILD_0_11: "0-11",
    AgeBand.CHILD_12_17: "12-17",
    AgeBand.ADULT_18_24: "18-24",
    AgeBand.ADULT_25_34: "25-34",
    AgeBand.ADULT_35_49: "35-49",
    AgeBand.ADULT_50_PLUS: "50+",
    AgeBand.UNKNOWN: "",
}
LEVELS = 3
MAX_SUPPRESSED_SHARE = 0.05  # stop generalising once no more than this share of cases would be left out


def _destination(row: dict[str, Any]) -> str:
    country = row["destination_country"]
    if row["destination_province"] and country in ("", "ID"):
        return "ID"
    return country or ""


def _types(row: dict[str, Any]) -> list[str]:
    return sorted({EXPLOITATION.get(t, "Other") for t in row["exploitation_types"] or []})


def quasi_identifiers(row: dict[str, Any], level: int) -> tuple[str, ...]:
    band, origin, destination, types = row["age_band"], row["origin_province"] or "", _destination(row), _types(row)
    if level == 0:
        age = AGE.get(band, "")
        where = f"ID-{origin}" if origin else ""
    else:
        age = "" if band == AgeBand.UNKNOWN else ("Child" if band in CHILD_BANDS else "Adult")
        where = ISLANDS.get(origin[:1], "") if level == 1 else ("ID" if origin else "")
    if level == 2:
        destination = "" if not destination else ("Domestic" if destination == "ID" else "Abroad")
        exploitation = types[0] if len(types) == 1 else ("Multiple" if types else "")
    else:
        exploitation = ";".join(types)
    return (GENDER.get(row["gender"], "NonSpecifiedUnknown"), age, where, destination, exploitation)


def anonymise(rows: list[dict[str, Any]], k: int) -> tuple[list[list[str]], int]:
    """The exported rows and the generalisation level used."""
    for level in range(LEVELS):
        keys = [quasi_identifiers(row, level) for row in rows]
        sizes = Counter(keys)
        small = sum(1 for key in keys if sizes[key] < k)
        if level == LEVELS - 1 or small <= MAX_SUPPRESSED_SHARE * len(rows):
            out = [
                [*key[:4], key[4], STATUS.get(row["trafficking_status"], "")]
                for row, key in zip(rows, keys, strict=True)
                if sizes[key] >= k
            ]
            out.sort()
            return out, level
    raise AssertionError("unreachable")


def htcds_rows(*, k: int) -> tuple[list[str], list[list[str]]]:
    rows = list(case_selectors.statistics_case_rows())
    exported, _level = anonymise(rows, k)
    return HEADER, exported
