"""Countries and regencies, named in the reader's language.

Country names come from the Unicode CLDR through Babel, so Indonesian readers see "Kamboja" and "Arab Saudi".
Regencies and cities come from idn-area-data (see accounts/data/README.md for its licence).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from functools import cache
from pathlib import Path

from babel import Locale
from django.core.exceptions import ValidationError
from django.utils.choices import BaseChoiceIterator
from django.utils.functional import lazy
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

# Codes Babel knows that are not countries or territories one travels to.
_NOT_COUNTRIES = {"EU", "EZ", "UN", "QO", "XA", "XB", "ZZ", "AC", "CP", "CQ", "DG", "EA", "IC", "TA"}


@cache
def _names(language: str) -> dict[str, str]:
    territories = Locale.parse(language).territories
    return {
        code: name
        for code, name in territories.items()
        if len(code) == 2 and code.isalpha() and code not in _NOT_COUNTRIES
    }


def country_name(code: str) -> str:
    return _names((get_language() or "id").split("-")[0]).get(code, code)


_lazy_name = lazy(country_name, str)

COUNTRY_CODES: list[str] = sorted(_names("en"))
COUNTRY_CHOICES: list[tuple[str, str]] = [(code, _lazy_name(code)) for code in COUNTRY_CODES]


def sorted_country_choices() -> list[tuple[str, str]]:
    """Choices sorted by their name in the active language, for select boxes."""
    return list(_sorted_countries((get_language() or "id").split("-")[0]))


@cache
def _sorted_countries(language: str) -> tuple[tuple[str, str], ...]:
    names = _names(language)
    return tuple(sorted(((code, names.get(code, code)) for code in COUNTRY_CODES), key=lambda item: item[1]))


class CountryChoices(BaseChoiceIterator):
    """A form field's choices of every country, by name in the language active when they are read (and the empty
    choice first, with ``blank``). Read as they are: a callable's choices were sorted and normalised again on every
    iteration (twice a field on each intake, and once more to validate it)."""

    def __init__(self, *, blank: bool = False) -> None:
        self.blank = blank

    def __iter__(self) -> Iterator[tuple[str, str]]:
        if self.blank:
            yield ("", "—")
        yield from _sorted_countries((get_language() or "id").split("-")[0])


@cache
def regencies() -> dict[str, tuple[str, str]]:
    """``{"34.71": ("34", "Kota Yogyakarta"), ...}``"""
    path = Path(__file__).parent / "data" / "regencies.csv"
    with path.open(encoding="utf-8") as handle:
        return {row["code"]: (row["province_code"], _title(row["name"])) for row in csv.DictReader(handle)}


def _title(name: str) -> str:
    return " ".join(word.capitalize() if len(word) > 2 else word.upper() for word in name.split())


def regencies_of(province: str) -> list[tuple[str, str]]:
    return [(code, name) for code, (prov, name) in regencies().items() if prov == province]


REGENCY_CHOICES: list[tuple[str, str]] = [(code, name) for code, (_p, name) in regencies().items()]


def validate_country(code: str) -> None:
    if code and code not in _names("en"):
        raise ValidationError(_("Unknown country code: %(code)s"), code="country", params={"code": code})


def validate_regency(code: str) -> None:
    if code and code not in regencies():
        raise ValidationError(_("Unknown regency or city code: %(code)s"), code="regency", params={"code": code})
