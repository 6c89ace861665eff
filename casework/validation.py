"""Validation of identity numbers, with messages a caseworker can act on."""

from __future__ import annotations

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from casework import crypto
from core import provinces


def validate_nik(value: str, *, date_of_birth: date | None = None, birth_year: int | None = None) -> str:
    """Check a NIK and return it normalised (digits only).

    Digits 1-2 are the province code, 7-12 the birth date as DDMMYY with 40 added to the day for women.
    """
    nik = crypto.normalise_nik(value)
    if not re.fullmatch(r"\d{16}", nik) or re.sub(r"[\s.\-]", "", value) != nik:
        raise ValidationError(_("A NIK has exactly 16 digits."), code="nik_length")
    if nik[:2] not in provinces.BY_CODE:
        raise ValidationError(
            _("This NIK starts with %(code)s, which is not a province code."),
            code="nik_province",
            params={"code": nik[:2]},
        )
    day, month, year = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    if day > 40:
        day -= 40
    try:
        date(2000, month, day)  # a leap year, so 29 February is accepted
    except ValueError:
        raise ValidationError(
            _(
                "Digits 7 to 12 of a NIK are the birth date (DDMMYY, with 40 added to the day for women); "
                "here they are not a date."
            ),
            code="nik_date",
        ) from None
    if date_of_birth is not None and (day, month, year) != (
        date_of_birth.day,
        date_of_birth.month,
        date_of_birth.year % 100,
    ):
        raise ValidationError(
            _("The birth date in this NIK (%(nik_date)s) does not match the date of birth (%(dob)s)."),
            code="nik_dob",
            params={"nik_date": f"{day:02d}-{month:02d}-{year:02d}", "dob": date_of_birth.strftime("%d-%m-%Y")},
        )
    if date_of_birth is None and birth_year is not None and year != birth_year % 100:
        raise ValidationError(
            _("The birth year in this NIK (..%(nik_year)02d) does not match the year of birth (%(year)s)."),
            code="nik_year",
            params={"nik_year": year, "year": birth_year},
        )
    return nik


def validate_phone(value: str) -> str:
    phone = crypto.normalise_phone(value)
    if not re.fullmatch(r"\d{8,15}", phone) or re.search(r"[^\d\s+().\-]", value):
        raise ValidationError(
            _("%(value)s is not a phone number. Use digits, for example 0812 3456 7890 or +60 12 345 6789."),
            code="phone",
            params={"value": value[:40]},
        )
    return phone


def validate_passport(value: str) -> str:
    passport = crypto.normalise_passport(value)
    if not re.fullmatch(r"[0-9A-Z]{5,12}", passport):
        raise ValidationError(_("A passport number has 5 to 12 letters and digits."), code="passport")
    return passport
