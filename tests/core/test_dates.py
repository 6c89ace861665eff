"""core.dates.Formatter writes what Django's date filter writes, for every format of both languages, in any zone."""

import datetime
import zoneinfo

import pytest
from django.template import Context, Template
from django.utils import timezone, translation
from hypothesis import given, settings
from hypothesis import strategies as st

from core.dates import Formatter, compile_format

FORMATS = ["SHORT_DATETIME_FORMAT", "SHORT_DATE_FORMAT", "DATETIME_FORMAT", "DATE_FORMAT", "TIME_FORMAT"]
FILTER = Template("{{ value|date:name }}")

moments = st.datetimes(
    min_value=datetime.datetime(1900, 1, 1), max_value=datetime.datetime(2100, 12, 31), timezones=st.just(datetime.UTC)
)


@settings(max_examples=60, deadline=None)
@given(value=moments, language=st.sampled_from(["id", "en"]), name=st.sampled_from(FORMATS))
def test_a_datetime_is_written_as_the_date_filter_writes_it(value, language, name):
    with translation.override(language), timezone.override(zoneinfo.ZoneInfo("Asia/Jayapura")):
        assert Formatter(name)(value) == FILTER.render(Context({"value": value, "name": name}))


@pytest.mark.parametrize("language", ["id", "en"])
def test_a_date_is_written_as_the_date_filter_writes_it(language):
    day = datetime.date(2026, 3, 7)
    with translation.override(language):
        for name in ("SHORT_DATE_FORMAT", "DATE_FORMAT"):
            assert Formatter(name)(day) == FILTER.render(Context({"value": day, "name": name}))


def test_the_numeric_formats_are_compiled_and_the_others_left_to_django():
    assert compile_format("d-m-Y H:i") == "{0.day:02d}-{0.month:02d}-{0.year:04d} {0.hour:02d}:{0.minute:02d}"
    assert compile_format("j M Y") is None  # a month's name: Django writes it
    assert compile_format(r"\d{j}") == "d{{{0.day}}}"  # an escaped letter and braces are literal
    assert Formatter(r"\d{j}")(datetime.date(2026, 3, 7)) == "d{7}"


@settings(max_examples=80, deadline=None)
@given(
    value=st.timedeltas(min_value=datetime.timedelta(seconds=-90), max_value=datetime.timedelta(days=40)),
    language=st.sampled_from(["id", "en"]),
)
def test_a_duration_is_what_timesince_writes(value, language):
    """The duration filter keeps the words of a length under four weeks per language and whole minutes."""
    from django.utils.timesince import timesince

    from core.templatetags.jejaring import duration

    with translation.override(language):
        now = timezone.now()
        expected = timesince(now - value, now, depth=2)
        assert duration(value) == expected
        assert duration(value) == expected  # the second time from the memo


@settings(max_examples=80, deadline=None)
@given(
    minutes=st.integers(min_value=28 * 24 * 60, max_value=3 * 366 * 24 * 60),
    now=st.datetimes(min_value=datetime.datetime(2020, 1, 1), max_value=datetime.datetime(2030, 12, 31)),
    language=st.sampled_from(["id", "en"]),
)
def test_a_long_duration_counts_the_calendar_months_back_from_now(minutes, now, language):
    """Past four weeks the words name calendar months back from now, as timesince writes them (kept per language
    and minute of now: at a whole minute they are timesince's own)."""
    from unittest import mock

    from django.utils.timesince import timesince

    from core.templatetags.jejaring import duration

    now = now.replace(second=0, microsecond=0, tzinfo=datetime.UTC)
    value = datetime.timedelta(minutes=minutes)
    with translation.override(language), mock.patch("django.utils.timezone.now", return_value=now):
        expected = timesince(now - value, now, depth=2)
        assert duration(value) == expected
        assert duration(value) == expected
    if minutes >= 366 * 24 * 60:
        assert ("year" if language == "en" else "tahun") in expected
