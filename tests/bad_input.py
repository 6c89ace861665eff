"""Bad input, the shared part: strategies of hostile values and the checks every form must pass.

Bad input: every form of the project fed generated and hostile values (hypothesis).

Each form gets whole payloads built from valid values with a few fields swapped for hostile ones: empty, huge (10k+
characters), the wrong type (letters in numbers and dates, lists where one value is expected, invalid ids, ids of
another organisation's objects), control characters, mixed scripts, markup and SQL fragments. Whatever comes in:

- never a server error;
- a rejected form comes back (200) with each error beside its field (``id="<auto_id>_error"``, which the widget's
  ``aria-describedby`` points to), errors of no field in the alert above the form;
- nothing is half-saved: row counts (and the edited row) are unchanged after a rejection;
- markup is inert: ``<script>alert(1)</script>`` or ``onerror=alert(1)>`` never appear unescaped in a response, also
  when an accepted value is shown back.

Examples are derandomized (the same ones on every run) and nothing is written to an example database. The database is
not rolled back between the examples of one test, so every example measures before and after itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from axes.utils import reset as axes_reset
from django import forms
from django.conf import settings as django_settings
from django.contrib.auth.tokens import default_token_generator
from django.contrib.messages import get_messages
from django.core import mail
from django.core.exceptions import NON_FIELD_ERRORS
from django.db.models import Model
from django.http import QueryDict
from django.test import Client
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme, urlsafe_base64_encode
from django_otp.plugins.otp_static.models import StaticToken
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from accounts.choices import ServiceType
from accounts.models import Authenticator as TOTPDevice
from accounts.models import User
from audit.models import AccessLog
from casework import services as case_services
from casework.choices import (
    CHILD_BANDS,
    AgeBand,
    CaseStatus,
    ClosureReason,
    ConsentGivenBy,
    ConsentKind,
    DeterminedBy,
    ExploitationType,
    Gender,
    IntakeChannel,
    LabourSector,
    MeansOfControl,
    RecruiterRelationship,
    RecruitmentMethod,
    RiskLevel,
    ServiceStatus,
    TraffickingStatus,
)
from casework.models import (
    BlindIndex,
    Case,
    CaseGroupObjectPermission,
    CaseKey,
    CaseNote,
    CaseUserObjectPermission,
    Consent,
    ServiceRecord,
)
from notifications import inbox
from notifications.models import NotificationPreference, Reminder
from referrals import services as referral_services
from referrals.choices import DeclineReason, Outcome, ReferralStatus, Urgency
from referrals.models import Referral, ReferralEvent
from tests.cases import MARKERS, open_case
from tests.conftest import sign_in
from tests.factories import PASSWORD


def fuzz(max_examples: int) -> settings:
    return settings(
        max_examples=max_examples,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.large_base_example,
        ],
    )


# --- Hostile values --------------------------------------------------------------------------------------------

MARKUP = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "<svg/onload=alert(1)>",
    "</textarea><script>alert(1)</script>",
    "{{ 7|add:7 }}{% debug %}",
]
# What must never appear unescaped in a response.
RAW_MARKUP = ("<script>alert(1)</script>", "onerror=alert(1)>", "<svg/onload=alert(1)>")
SQL = ["' OR 1=1 --", "'; DROP TABLE casework_case; --", '" OR ""="', "1) OR (1=1", "%", "_%_", "\\"]
CONTROL = ["\x00", "a\x00b", "\x1b[31mmerah\x1b[0m", "\u202etxt.exe", "\r\n", "\x7f\x08", "\u200b", "\ufeff"]
SCRIPTS = [
    "مرحبا بالعالم",
    "你好，世界",
    "🦄👩‍👩‍👧‍👦🇮🇩",
    "e\u0301\u0302\u0303\u0304",
    "Z̤͔ͧ̑̓ä͖̭̈̇lͮ̒ͫǵ̗͎ͩo",
    "ꦲꦏ꧀ꦱꦫꦗꦮ",
    "Siti مريم 李 🌺",
]
WRONG_TYPES = [
    "abc",
    "12abc",
    "-1",
    "0",
    "1.5",
    "1e400",
    "nan",
    "inf",
    "²",
    "٣",
    "9" * 40,
    "9" * 5000,
    "2026-02-30",
    "31/12/2025",
    "0000-00-00",
    "9999-12-31",
    "0001-01-01",
    "not-a-uuid",
    "00000000-0000-0000-0000-000000000000",
    "true",
    "null",
    "[]",
    "{}",
    "on",
]
HOSTILE = ["", " ", "\t\n", *MARKUP, *SQL, *CONTROL, *SCRIPTS, *WRONG_TYPES]
SPECIAL_CHARACTERS = [*"<>\"'&;%_\\/=(){}|\x00\x1b\u202e\u0301\u200b", "🦄", "你", "م", "ꦲ"]

hostile_text = st.text(
    alphabet=st.one_of(st.characters(codec="utf-8"), st.sampled_from(SPECIAL_CHARACTERS)), max_size=60
)
huge = st.builds(
    lambda piece, size: (piece * (size // len(piece) + 1))[:size],
    st.sampled_from(["x", "9", "é", "🦄", "<script>alert(1)</script>", "' OR 1=1 -- "]),
    st.integers(min_value=10_001, max_value=12_000),
)
scalar = st.one_of(st.sampled_from(HOSTILE), hostile_text, huge)
VALUES = st.one_of(scalar, st.lists(scalar, min_size=2, max_size=3))


class _Omit:
    def __repr__(self) -> str:
        return "OMIT"


OMIT = _Omit()  # the field is not sent at all (an unticked checkbox, or a client that leaves it out)
CHECKBOX = st.sampled_from(["on", OMIT])


@dataclass(frozen=True)
class Ref:
    """The primary key of a fixture object, filled in when the request is made."""

    name: str


def resolve(value: Any, refs: dict[str, Model]) -> Any:
    if isinstance(value, Ref):
        return str(refs[value.name].pk)
    if isinstance(value, list):
        return [resolve(item, refs) for item in value]
    if isinstance(value, dict):
        return {name: resolve(item, refs) for name, item in value.items()}
    return value


def merged(base: dict[str, Any], bad: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in {**base, **bad}.items() if value is not OMIT}


def together(*options: dict[str, Any]) -> tuple[list[str], st.SearchStrategy[dict[str, Any]]]:
    """Values of several fields that are only valid together (a province and one of its regencies): one of the
    options, each a dict of values or strategies. Returns the field names and the strategy."""
    names = sorted({name for option in options for name in option})
    strategies = [
        st.fixed_dictionaries({k: v if isinstance(v, st.SearchStrategy) else st.just(v) for k, v in option.items()})
        for option in options
    ]
    return names, st.one_of(strategies)


def form_data(
    valid: dict[str, st.SearchStrategy[Any]],
    *groups: tuple[list[str], st.SearchStrategy[dict[str, Any]]],
    foreign: tuple[Ref, ...] = (),
    max_bad: int = 3,
    always_bad: bool = False,
) -> st.SearchStrategy[dict[str, Any]]:
    """A whole payload: every field valid (``valid``, and the ``groups`` of fields valid together), then often up to
    ``max_bad`` fields (at least one if ``always_bad``) replaced by a hostile value, a foreign id, or left out, so that
    the other fields' validation (and the service's, when the form passes) is exercised too."""
    names = sorted({*valid, *(name for group_names, _strategy in groups for name in group_names)})
    bad_value = st.one_of(VALUES, st.sampled_from([*foreign, OMIT]))
    some_bad = st.dictionaries(st.sampled_from(names), bad_value, min_size=1, max_size=min(max_bad, len(names)))
    bad = some_bad if always_bad else st.one_of(st.just({}), some_bad)
    base = st.fixed_dictionaries(valid)
    for _names, strategy in groups:
        base = st.builds(lambda first, second: {**first, **second}, base, strategy)
    return st.builds(merged, base, bad)


def words(min_size: int = 0) -> st.SearchStrategy[str]:
    """Text a person could type, markup and foreign scripts included: valid, and stored as typed."""
    return st.one_of(
        st.sampled_from(["Siti Aminah", "Nur", *MARKUP, *SCRIPTS, *SQL[:3]]),
        st.text(st.characters(codec="utf-8", exclude_categories=("Cc", "Cs")), min_size=min_size, max_size=40),
    )


def iso_dates(start: date, end: date) -> st.SearchStrategy[str]:
    return st.dates(min_value=start, max_value=end).map(date.isoformat)


PAST = iso_dates(date(1950, 1, 1), date(2025, 12, 31))
RECENT = iso_dates(date(2020, 1, 1), date(2025, 12, 31))
FUTURE = iso_dates(date(2027, 1, 1), date(2030, 12, 31))


def choice(values: list[str], blank: bool = False) -> st.SearchStrategy[str]:
    return st.sampled_from(["", *values] if blank else values)


def several(values: list[Any]) -> st.SearchStrategy[list[Any]]:
    return st.lists(st.sampled_from(values), unique=True, max_size=3)


# --- Checks ----------------------------------------------------------------------------------------------------


def inert(response: Any) -> str:
    """No server error, and no submitted markup unescaped. Returns the body."""
    assert response.status_code < 500, f"server error {response.status_code}"
    event(f"status {response.status_code}")  # see --hypothesis-show-statistics: both outcomes are exercised
    text = "" if response.streaming else response.content.decode("utf-8", "replace")
    for raw in RAW_MARKUP:
        assert raw not in text, f"unescaped markup in the response: {raw!r}"
    return text


def errors_shown(text: str, form: Any) -> None:
    """A rejected form: each error of a visible field beside it, in the container its widget points to; errors of no
    field (or of a hidden one) shown too, above the form."""
    assert form is not None and form.errors, "the form came back without saying what is wrong"
    for name, messages in form.errors.items():
        if name != NON_FIELD_ERRORS and name in form.fields and not form[name].is_hidden:
            assert f'id="{form[name].auto_id}_error"' in text, f"the error of {name!r} is not beside the field"
        for message in messages:
            assert escape(message) in text, f"the error of {name!r} is not shown: {message!r}"


def last(value: Any) -> Any:
    """The value a form reads when several were sent for one field: the last."""
    return value[-1] if isinstance(value, list) and value else value


def ticked(data: dict[str, Any], name: str) -> bool:
    """Whether a checkbox counts as ticked, as Django reads it (any value but "false" or "0", the last of several)."""
    query = QueryDict(mutable=True)
    for key, value in data.items():
        query.setlist(key, value if isinstance(value, list) else [value])
    return forms.BooleanField(required=False).clean(forms.CheckboxInput().value_from_datadict(query, {}, name))


def rows(*models: type[Model]) -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in models}


def message_texts(response: Any) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def safe_location(response: Any) -> None:
    location = response.headers["Location"]
    assert "\r" not in location and "\n" not in location
    assert url_has_allowed_host_and_scheme(location, allowed_hosts={"testserver"}), location


INTAKE_MODELS = (
    Case,
    Case.history.model,
    CaseKey,
    BlindIndex,
    Consent,
    Consent.history.model,
    Reminder,
    CaseUserObjectPermission,
    CaseGroupObjectPermission,
)
REFERRAL_MODELS = (Referral, Referral.history.model, ReferralEvent, ReferralEvent.history.model)


NEXT = st.sampled_from(
    [
        "",
        "/cases/",
        "//evil.example/",
        "https://evil.example/",
        "javascript:alert(1)",
        "/\\evil.example",
        "\x00/",
        "/accounts/account/\r\nSet-Cookie: x=1",
        "/" + "a" * 11_000,
        '/"><script>alert(1)</script>',
    ]
)
