"""Dates and times written down a long list (the referrals tables, the case list): what ``{{ value|date:... }}``
writes, but the format, the language's format module and the time zone read once for the whole list instead of once
per value (Django's ``dateformat`` also re-parses the format and looks its letters up one by one for every value,
which cost more than the rest of a row).

``Formatter(name)`` takes a format's name (``"SHORT_DATETIME_FORMAT"``) in the active language, or a format
itself. The numeric letters (``d j m n Y H G i s``) are written with ``str.format``; a format with any other letter
(month names, am/pm) is handed to Django's ``dateformat`` as it is, so the result is always Django's.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

from django.utils import dateformat, formats, timezone

# Django's format letters (django.utils.dateformat), and those written here: the attribute and its padding.
_LETTERS = re.compile(r"(?<!\\)([aAbcdDeEfFgGhHiIjlLmMnNoOPrsStTUuwWyYzZ])")
_NUMERIC = {
    "d": "{0.day:02d}",
    "j": "{0.day}",
    "m": "{0.month:02d}",
    "n": "{0.month}",
    "Y": "{0.year:04d}",
    "H": "{0.hour:02d}",
    "G": "{0.hour}",
    "i": "{0.minute:02d}",
    "s": "{0.second:02d}",
}


def compile_format(fmt: str) -> str | None:
    """The ``str.format`` template writing ``fmt`` for a date or datetime, or None when ``fmt`` needs more than the
    numeric letters (then ``dateformat`` writes it)."""
    out = []
    for number, piece in enumerate(_LETTERS.split(fmt)):
        if number % 2:  # a format letter
            if piece not in _NUMERIC:
                return None
            out.append(_NUMERIC[piece])
        else:  # literal text: Django drops the backslash of an escaped character
            out.append(re.sub(r"\\(.)", r"\1", piece).replace("{", "{{").replace("}", "}}"))
    return "".join(out)


class Formatter:
    """Writes dates or datetimes in one format, in the language and time zone active when it was made."""

    def __init__(self, format_name: str) -> None:
        self.format = formats.get_format(format_name)
        self.template = compile_format(self.format)
        self.zone = timezone.get_current_timezone()

    def __call__(self, value: Any) -> str:
        if isinstance(value, datetime.datetime) and timezone.is_aware(value):
            value = value.astimezone(self.zone)  # what the date filter does (timezone.localtime)
        if self.template is None:
            return dateformat.format(value, self.format)
        return self.template.format(value)
