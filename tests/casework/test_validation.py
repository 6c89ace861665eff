from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from casework.validation import validate_nik, validate_passport, validate_phone


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def test_a_valid_nik_for_a_woman_born_1_january_1999():
    assert validate_nik("3404 0141 0199 0001", date_of_birth=date(1999, 1, 1)) == "3404014101990001"


@pytest.mark.parametrize(
    ("nik", "message"),
    [
        ("34040141019900", "exactly 16 digits"),
        ("340401410199000a", "exactly 16 digits"),
        ("9904014101990001", "not a province code"),
        ("3404013213990001", "not a date"),
    ],
)
def test_an_invalid_nik_is_refused_with_a_clear_message(nik, message):
    with pytest.raises(ValidationError, match=message):
        validate_nik(nik)


def test_the_nik_birth_date_must_match_a_known_date_of_birth():
    with pytest.raises(ValidationError, match="does not match the date of birth"):
        validate_nik("3404014101990001", date_of_birth=date(1999, 1, 2))
    with pytest.raises(ValidationError, match="does not match the year of birth"):
        validate_nik("3404014101990001", birth_year=1998)


def test_phones_and_passports():
    assert validate_phone("+62 812-3456-7890") == "6281234567890"
    with pytest.raises(ValidationError):
        validate_phone("call me maybe")
    assert validate_passport("c 1234567") == "C1234567"
    with pytest.raises(ValidationError):
        validate_passport("12")
