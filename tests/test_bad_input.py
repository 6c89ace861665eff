"""Bad input: every form of the project fed generated and hostile values (hypothesis).

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
from django_otp.plugins.otp_totp.models import TOTPDevice
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from accounts.choices import ServiceType
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

pytestmark = pytest.mark.django_db


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


def _merge(base: dict[str, Any], bad: dict[str, Any]) -> dict[str, Any]:
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
    return st.builds(_merge, base, bad)


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


# --- Accounts: sign-in, two-factor, passwords, language, notification emails -----------------------------------

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


@fuzz(30)
@given(
    data=form_data(
        {
            "username": st.sampled_from(["alice", "alice@test.jejaring.invalid", "ALICE", "nobody"]),
            "password": st.sampled_from([PASSWORD, "wrong-password-x"]),
            "next": NEXT,
        }
    ),
    address=st.sampled_from(["10.1.0.1", "10.1.0.2", "2001:db8::1"]),
)
def test_sign_in(alice, data, address):
    axes_reset()
    response = Client().post(reverse("accounts:login"), data, REMOTE_ADDR=address)
    text = inert(response)
    if response.status_code == 302:
        assert response.wsgi_request.user.pk == alice.pk
        safe_location(response)
    elif response.status_code == 429:  # locked out by django-axes: a valid refusal
        assert "accounts/locked_out.html" in [t.name for t in response.templates]
    else:
        assert response.status_code == 200
        errors_shown(text, response.context["form"])
        assert not response.wsgi_request.user.is_authenticated


@fuzz(15)
@given(data=form_data({"token": st.sampled_from(["123456", "000 000", "abcdefgh"]), "next": NEXT}))
def test_two_factor_verify(carol, data):
    client = Client()
    client.force_login(carol, backend="accounts.backends.UsernameOrEmailBackend")  # signed in, second step pending
    response = client.post(reverse("accounts:two_factor_verify"), data)
    text = inert(response)
    # The code cannot be guessed: every submission is refused (django-otp throttles after a failure: still refused).
    assert response.status_code == 200
    errors_shown(text, response.context["form"])
    assert "otp_device_id" not in client.session


@fuzz(15)
@given(data=form_data({"token": st.sampled_from(["123456", "654 321", "12-34-56"]), "next": NEXT}))
def test_two_factor_setup(client_for, alice, data):
    client = client_for(alice)
    before = rows(StaticToken)
    response = client.post(reverse("accounts:two_factor_setup"), data)
    text = inert(response)
    assert response.status_code == 200
    errors_shown(text, response.context["form"])
    assert not TOTPDevice.objects.filter(user=alice, confirmed=True).exists()
    assert rows(StaticToken) == before


@fuzz(20)
@given(
    data=form_data(
        {
            "old_password": st.sampled_from([PASSWORD, "not-my-password"]),
            "new_password1": st.sampled_from(["kuda-baterai-benar-2026", "pendek"]),
            "new_password2": st.sampled_from(["kuda-baterai-benar-2026", "lain-sekali-2026"]),
        }
    )
)
def test_password_change(alice, data):
    alice.set_password(PASSWORD)
    alice.save()
    client = sign_in(Client(), alice)
    response = client.post(reverse("accounts:password_change"), data)
    text = inert(response)
    alice.refresh_from_db()
    if response.status_code == 302:
        assert alice.check_password(last(data["new_password1"]))
    else:
        assert response.status_code == 200
        errors_shown(text, response.context["form"])
        assert alice.check_password(PASSWORD), "a refused change must leave the password as it was"


@fuzz(20)
@given(data=form_data({"email": st.sampled_from(["alice@test.jejaring.invalid", "nobody@example.org"])}))
def test_password_reset_request(client, alice, data):
    sent = len(mail.outbox)
    response = client.post(reverse("accounts:password_reset"), data)
    text = inert(response)
    if response.status_code == 302:
        assert response.headers["Location"] == reverse("accounts:password_reset_done")
        for message in mail.outbox[sent:]:
            assert message.to == [alice.email]
    else:
        assert response.status_code == 200
        errors_shown(text, response.context["form"])
        assert len(mail.outbox) == sent


@fuzz(15)
@given(
    data=form_data(
        {
            "new_password1": st.sampled_from(["kuda-baterai-benar-2026", "pendek"]),
            "new_password2": st.sampled_from(["kuda-baterai-benar-2026", "lain-sekali-2026"]),
        }
    )
)
def test_password_reset_confirm(alice, data):
    alice.set_password(PASSWORD)
    alice.save()
    client = Client()
    link = reverse(
        "accounts:password_reset_confirm",
        args=[urlsafe_base64_encode(force_bytes(alice.pk)), default_token_generator.make_token(alice)],
    )
    form_page = client.get(link)  # Django moves the token into the session and redirects to the form
    assert form_page.status_code == 302
    response = client.post(form_page.headers["Location"], data)
    text = inert(response)
    alice.refresh_from_db()
    if response.status_code == 302:
        assert response.headers["Location"] == reverse("accounts:password_reset_complete")
        assert alice.check_password(last(data["new_password1"]))
    else:
        assert response.status_code == 200
        errors_shown(text, response.context["form"])
        assert alice.check_password(PASSWORD), "a refused new password must leave the old one"


@fuzz(20)
@given(
    data=form_data({"language": st.sampled_from([code for code, _name in django_settings.LANGUAGES]), "next": NEXT}),
    signed_in=st.booleans(),
)
def test_language_switch(client_for, alice, data, signed_in):
    client = client_for(alice) if signed_in else Client()
    languages = {code for code, _name in django_settings.LANGUAGES}
    response = client.post(reverse("accounts:set_language"), data)
    inert(response)
    # A refused choice changes nothing and goes back, like an accepted one: the switch is a menu, not a typed field.
    assert response.status_code == 302
    safe_location(response)
    alice.refresh_from_db()
    assert alice.language in languages
    cookie = response.cookies.get(django_settings.LANGUAGE_COOKIE_NAME)
    if cookie is not None:
        assert cookie.value in languages


KIND_CODES = sorted(kind.code for kind in inbox.kinds())


@fuzz(20)
@given(
    email=st.lists(st.one_of(st.sampled_from(KIND_CODES), scalar), max_size=6),
    ids=st.lists(scalar, max_size=3),
)
def test_notification_email_preferences_and_mark_read(client_for, alice, email, ids):
    client = client_for(alice)
    response = client.post(reverse("notifications:preferences"), {"email": email})
    inert(response)
    assert response.status_code == 302
    security = {kind.code for kind in inbox.kinds() if kind.security}
    saved = dict(NotificationPreference.objects.filter(user=alice).values_list("kind", "email"))
    assert set(saved) == set(KIND_CODES) - security, "only the known kinds are stored"
    assert {kind for kind, on in saved.items() if on} == (set(email) & set(KIND_CODES)) - security
    inert(client.get(reverse("notifications:preferences")))
    response = client.post(reverse("notifications:mark_read"), {"id": ids})
    inert(response)
    assert response.status_code == 302


# --- Audit screens (GET filters) -------------------------------------------------------------------------------

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
    if form.is_bound and form.errors:
        errors_shown(text, form)
    export = client.get(reverse("audit:export"), params)
    assert export.status_code == 200
    assert b"".join(export.streaming_content).startswith(b"id,time,event")


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


# --- Casework --------------------------------------------------------------------------------------------------


@fuzz(20)
@given(
    params=form_data(
        {
            "status": choice(list(CaseStatus.values), blank=True),
            "risk": choice(list(RiskLevel.values), blank=True),
            "mine": st.sampled_from(["", "1"]),
            "due": st.sampled_from(["", "1"]),
            "restricted": st.sampled_from(["", "1"]),
            "after": st.sampled_from(["", "1700000000.000000_00000000-0000-0000-0000-000000000000"]),
            "s": st.sampled_from(["", "AbCdEfGh123"]),
        }
    ),
    htmx=st.booleans(),
    province=st.one_of(st.sampled_from(["", "34", "53"]), VALUES),
)
def test_case_list_filters_export_and_regency_options(client_for, alice, case_a, params, htmx, province):
    client = client_for(alice)
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    response = client.get(reverse("casework:case_list"), params, **headers)
    inert(response)
    assert response.status_code == 200
    export = client.get(reverse("casework:case_export"), params)
    assert export.status_code == 200
    csv = b"".join(export.streaming_content).decode()
    for marker in MARKERS.values():
        assert marker not in csv, "the export holds no identities"
    response = client.get(reverse("casework:regency_options"), {"origin_province": province}, HTTP_HX_REQUEST="true")
    inert(response)
    assert response.status_code == 200


CASE_FIELDS: dict[str, st.SearchStrategy[Any]] = {
    "full_name": words(min_size=1),
    "aliases": words(),
    "passport": st.sampled_from(["", "X1234567", "b 1234567"]),
    "gender": choice(list(Gender.values)),
    "nationality": st.sampled_from(["ID", "MY", "TL"]),
    "phones": st.sampled_from(["", "0812 3456 7890", "+60 12 345 6789\n0813-1111-2222"]),
    "address": words(),
    "family_contact": words(),
    "intake_channel": choice(list(IntakeChannel.values)),
    "intake_date": RECENT,
    "trafficking_status": choice(list(TraffickingStatus.values)),
    "determined_by": choice(list(DeterminedBy.values), blank=True),
    "exploitation_types": several(list(ExploitationType.values)),
    "labour_sector": choice(list(LabourSector.values), blank=True),
    "means_of_control": several(list(MeansOfControl.values)),
    "recruitment_method": choice(list(RecruitmentMethod.values), blank=True),
    "recruiter_relationship": choice(list(RecruiterRelationship.values), blank=True),
    "narrative": words(),
    "needs": words(),
    "transit_provinces": several(["31", "33", "51"]),
    "transit_countries": several(["MY", "SG"]),
    "risk_level": choice(list(RiskLevel.values)),
    "next_follow_up": st.one_of(st.just(""), FUTURE),
}
ADULT_BANDS = [band for band in AgeBand.values if band not in CHILD_BANDS]
IDENTITY = together(
    {"nik": "", "date_of_birth": "", "birth_year": ""},
    {
        "nik": st.sampled_from(["3404014101990001", "3404-0141-0199-0001", "3404 0141 0199 0001"]),
        "date_of_birth": st.sampled_from(["", "1999-01-01"]),
        "birth_year": st.sampled_from(["", "1999"]),
    },
    {"nik": "", "date_of_birth": iso_dates(date(1950, 1, 1), date(2000, 12, 31)), "birth_year": ""},
    {"nik": "", "date_of_birth": "", "birth_year": st.sampled_from(["1960", "1985", "2001"])},
)
ROUTE = together(
    {"origin_province": "", "origin_regency": ""},
    {"origin_province": "34", "origin_regency": st.sampled_from(["", "34.01", "34.71"])},
    {"origin_province": "53", "origin_regency": ""},
)
DESTINATION = together(
    {"destination_country": st.sampled_from(["", "MY", "ID"]), "destination_province": ""},
    {"destination_country": st.sampled_from(["", "ID"]), "destination_province": st.sampled_from(["31", "51"])},
)
AGE = together({"age_band": choice(list(AgeBand.values))})
AGE_AND_CONSENT = together(
    {"age_band": choice(ADULT_BANDS), "consent_given_by": choice(list(ConsentGivenBy.values))},
    {"age_band": choice(sorted(CHILD_BANDS)), "consent_given_by": ConsentGivenBy.GUARDIAN},
)
ASSIGNED = together({"assigned_to": st.sampled_from(["", Ref("alice"), Ref("anna")])})
RESTRICTION = together(
    {"is_restricted": OMIT, "named_users": [], "assigned_to": st.sampled_from(["", Ref("alice"), Ref("anna")])},
    {"is_restricted": "on", "named_users": several([Ref("alice"), Ref("anna")]), "assigned_to": st.just("")},
    {"is_restricted": "on", "named_users": [Ref("anna")], "assigned_to": st.sampled_from([Ref("alice"), Ref("anna")])},
)
CASE_GROUPS = (IDENTITY, ROUTE, DESTINATION, AGE, ASSIGNED)
INTAKE_FIELDS: dict[str, st.SearchStrategy[Any]] = {
    **CASE_FIELDS,
    "consent_date": RECENT,
    "consent_services": CHECKBOX,
    "consent_sharing": CHECKBOX,
    "consent_statistics": CHECKBOX,
}
INTAKE_GROUPS = (IDENTITY, ROUTE, DESTINATION, AGE_AND_CONSENT, RESTRICTION)
OTHERS = (Ref("bob"), Ref("carol"), Ref("org_b"))  # objects of another organisation (or of none)


@fuzz(25)
@given(data=form_data(INTAKE_FIELDS, *INTAKE_GROUPS, foreign=OTHERS))
def test_case_intake(client_for, alice, anna, bob, carol, org_b, data):
    client = client_for(alice)
    refs = {"alice": alice, "anna": anna, "bob": bob, "carol": carol, "org_b": org_b}
    before = rows(*INTAKE_MODELS)
    response = client.post(reverse("casework:case_create"), resolve(data, refs))
    text = inert(response)
    after = rows(*INTAKE_MODELS)
    if response.status_code == 302:
        assert after[Case._meta.label] == before[Case._meta.label] + 1
        assert after[CaseKey._meta.label] == before[CaseKey._meta.label] + 1
        case = Case.objects.order_by("-created_at").first()
        assert response.headers["Location"] == reverse("casework:case_detail", args=[case.pk])
        for name in ("casework:case_detail", "casework:case_identity", "casework:case_edit"):
            page = inert(client.get(reverse(name, args=[case.pk])))
            if name == "casework:case_edit" and "<script>alert(1)</script>" in last(data.get("full_name", "")):
                assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    else:
        assert response.status_code == 200
        errors_shown(text, response.context["form"])
        assert after == before, "a refused intake must save nothing"


def _case_state(case: Case) -> tuple[dict[str, Any], int, list[tuple[str, str]]]:
    row = Case.objects.filter(pk=case.pk).values().get()
    row.pop("last_activity_at", None)
    history = Case.history.filter(id=case.pk).count()
    indexes = sorted(BlindIndex.objects.filter(case=case).values_list("kind", "digest"))
    return row, history, indexes


CURRENT = "current-version"  # replaced by the case's version when the request is made


VERSIONS = st.one_of(st.just(CURRENT), VALUES, st.just(OMIT))


def _with_version(data: dict[str, Any], case: Case) -> dict[str, Any]:
    return {**data, "version": str(case.version)} if data.get("version") == CURRENT else data


@fuzz(25)
@given(data=form_data(CASE_FIELDS, *CASE_GROUPS, foreign=OTHERS), version=VERSIONS)
def test_case_edit(client_for, alice, anna, bob, carol, org_b, case_a, data, version):
    client = client_for(alice)
    refs = {"alice": alice, "anna": anna, "bob": bob, "carol": carol, "org_b": org_b}
    case_a.refresh_from_db()
    before = _case_state(case_a)
    payload = _with_version(_merge(resolve(data, refs), {"version": version}), case_a)
    response = client.post(reverse("casework:case_edit", args=[case_a.pk]), payload)
    text = inert(response)
    if response.status_code == 302:
        assert Case.objects.get(pk=case_a.pk).version == case_a.version + 1
        inert(client.get(reverse("casework:case_identity", args=[case_a.pk])))
        return
    assert response.status_code == 200
    assert _case_state(case_a) == before, "a refused edit must change nothing"
    if response.context["conflict"]:
        # An edit on another version than the current one (or on none) is refused as a conflict, said at the top;
        # the form now carries the current version.
        assert message_texts(response)
        assert f'value="{Case.objects.get(pk=case_a.pk).version}"' in text
    else:
        errors_shown(text, response.context["form"])


@fuzz(20)
@given(
    data=form_data({"reason": choice(list(ClosureReason.values)), "safety_checked": CHECKBOX}),
    version=VERSIONS,
)
def test_case_close_and_reopen(client_for, alice, data, version):
    client = client_for(alice)
    case = Case.objects.filter(created_by=alice).first() or open_case(alice, name="Kasus Tutup")
    case.refresh_from_db()
    if case.is_closed:
        case = case_services.case_reopen(actor=alice, case=case, expected_version=case.version)
    before = _case_state(case)
    response = client.post(
        reverse("casework:case_close", args=[case.pk]), _with_version(_merge(data, {"version": version}), case)
    )
    text = inert(response)
    case.refresh_from_db()
    if response.status_code == 302:
        if case.is_closed:
            assert case.version == before[0]["version"] + 1
        else:  # refused as a conflict (an outdated, missing or malformed version): said, nothing changed
            assert _case_state(case) == before
            assert message_texts(response)
    else:
        assert response.status_code == 200
        errors_shown(text, response.context["form"])
        assert _case_state(case) == before, "a refused close must change nothing"
    if not case.is_closed:
        case = case_services.case_close(actor=alice, case=case, expected_version=case.version, reason="goals_met")
    # Reopen: the only field is the hidden version.
    sent = str(case.version) if version == CURRENT else version
    before = _case_state(case)
    response = client.post(reverse("casework:case_reopen", args=[case.pk]), _merge({}, {"version": sent}))
    inert(response)
    assert response.status_code == 302
    case.refresh_from_db()
    if not case.is_closed:
        assert case.version == before[0]["version"] + 1, "only the current version reopens"
    else:
        assert _case_state(case) == before
        assert message_texts(response), "a refused reopen must say why"


@fuzz(20)
@given(
    data=form_data(
        {
            "kind": choice(list(ConsentKind.values)),
            "given_on": RECENT,
            "given_by": choice(list(ConsentGivenBy.values)),
        }
    )
)
def test_case_consents(client_for, alice, case_a, data):
    client = client_for(alice)
    before = rows(Consent, Consent.history.model)
    response = client.post(reverse("casework:case_consents", args=[case_a.pk]), data)
    text = inert(response)
    after = rows(Consent, Consent.history.model)
    if response.status_code == 302:
        assert after[Consent._meta.label] == before[Consent._meta.label] + 1
        # Let the next example record the same kind again.
        for consent in Consent.objects.filter(case=case_a, withdrawn_on__isnull=True).exclude(kind="sharing"):
            case_services.consent_withdraw(actor=alice, consent=consent)
    else:
        assert response.status_code == 200
        errors_shown(text, response.context["form"])
        assert after == before


@fuzz(20)
@given(data=form_data({"body": words(min_size=1), "shareable": CHECKBOX, "is_follow_up": CHECKBOX}))
def test_case_notes(client_for, alice, case_a, data):
    client = client_for(alice)
    case_a.refresh_from_db()
    before, version = rows(CaseNote, CaseNote.history.model), case_a.version
    response = client.post(reverse("casework:case_notes", args=[case_a.pk]), data)
    text = inert(response)
    if response.status_code == 302:
        assert rows(CaseNote)[CaseNote._meta.label] == before[CaseNote._meta.label] + 1
        page = inert(client.get(reverse("casework:case_notes", args=[case_a.pk])))
        if "<script>alert(1)</script>" in last(data["body"]):
            assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page, "the note is shown back, escaped"
    else:
        assert response.status_code == 200
        errors_shown(text, response.context["form"])
        assert rows(CaseNote, CaseNote.history.model) == before
        assert Case.objects.get(pk=case_a.pk).version == version


@fuzz(20)
@given(
    data=form_data(
        {
            "service_type": choice(list(ServiceType.values)),
            "provider": st.sampled_from([Ref("org_a"), Ref("org_b")]),
            "status": choice(list(ServiceStatus.values)),
            "started_on": st.one_of(st.just(""), RECENT),
            "ended_on": st.one_of(st.just(""), FUTURE),
            "outcome": words(),
        }
    )
)
def test_case_services(client_for, alice, org_a, org_b, case_a, data):
    client = client_for(alice)
    before = rows(ServiceRecord, ServiceRecord.history.model)
    response = client.post(
        reverse("casework:case_services", args=[case_a.pk]), resolve(data, {"org_a": org_a, "org_b": org_b})
    )
    text = inert(response)
    if response.status_code == 302:
        assert rows(ServiceRecord)[ServiceRecord._meta.label] == before[ServiceRecord._meta.label] + 1
        inert(client.get(reverse("casework:case_services", args=[case_a.pk])))
    else:
        assert response.status_code == 200
        errors_shown(text, response.context["form"])
        assert rows(ServiceRecord, ServiceRecord.history.model) == before


@fuzz(20)
@given(data=form_data({"is_restricted": CHECKBOX, "named_users": several([Ref("alice"), Ref("anna")])}, foreign=OTHERS))
def test_case_restriction(client_for, alice, anna, bob, carol, org_b, data):
    client = client_for(alice)
    case = Case.objects.filter(created_by=alice).first() or open_case(alice, name="Kasus Terbatas")
    refs = {"alice": alice, "anna": anna, "bob": bob, "carol": carol, "org_b": org_b}
    before = _case_state(case), rows(CaseUserObjectPermission, CaseGroupObjectPermission)
    response = client.post(reverse("casework:case_restriction", args=[case.pk]), resolve(data, refs))
    text = inert(response)
    if response.status_code == 302:
        case.refresh_from_db()
        assert case.is_restricted == ticked(data, "is_restricted")
        assert not CaseUserObjectPermission.objects.filter(content_object=case, user__in=[bob, carol]).exists()
    else:
        assert response.status_code == 200
        errors_shown(text, response.context["form"])
        assert (_case_state(case), rows(CaseUserObjectPermission, CaseGroupObjectPermission)) == before


SEARCHES = st.one_of(
    st.sampled_from(["", "zulaikha", MARKERS["nik"], MARKERS["phone"], "ORGA-2026-0001", "X1234567"]),
    words(),
)


@fuzz(25)
@given(q=st.one_of(SEARCHES, VALUES))
def test_case_search(client_for, alice, case_a, q):
    client = client_for(alice)
    before = rows(BlindIndex, Case)
    response = client.post(reverse("casework:case_search"), {"q": q})
    text = inert(response)
    if response.status_code == 200:  # refused: the list again, the reason beside the box
        errors_shown(text, response.context["search_form"])
    else:
        assert response.status_code == 302
        location = response.headers["Location"]
        # What was typed never travels in a URL: only a search token, or the one case found.
        assert re.fullmatch(r"/cases/(\?s=[\w-]+|[0-9a-f-]{36}/)", location), location
        inert(client.get(location))
    assert rows(BlindIndex, Case) == before


@fuzz(20)
@given(
    data=form_data(
        {
            "nik": st.sampled_from(["", MARKERS["nik"], "3404014101990002"]),
            "passport": st.sampled_from(["", MARKERS["passport"]]),
            "phones": st.sampled_from(["", MARKERS["phone"], "0812 3456 7890\n" + MARKERS["phone"]]),
        }
    )
)
def test_duplicate_check(client_for, alice, bob, case_a, data):
    client = client_for(bob)  # bob's organisation does not hold case_a: the check names organisation A, nothing else
    before = rows(BlindIndex, Case)
    response = client.post(reverse("casework:duplicate_check"), data, HTTP_HX_REQUEST="true")
    text = inert(response)
    assert response.status_code == 200
    assert "<html" not in text, "a fragment for htmx"
    for marker in MARKERS.values():
        assert marker not in text
    assert rows(BlindIndex, Case) == before


# --- Referrals -------------------------------------------------------------------------------------------------


@pytest.fixture
def case_without_consent(alice):
    return open_case(alice, name="Tanpa Persetujuan")


@fuzz(25)
@given(
    data=form_data(
        {
            "to_org": st.sampled_from([Ref("org_b"), Ref("org_c")]),
            "services": st.lists(st.sampled_from(list(ServiceType.values)), min_size=1, max_size=3, unique=True),
            "urgency": choice(list(Urgency.values)),
            "reason": words(min_size=1),
            "sections": several(["identity", "contact", "narrative", "needs", "notes"]),
            "override_reason": st.sampled_from(["", "Nyawanya terancam."]),
        },
        foreign=(Ref("org_a"), Ref("case_a"), Ref("bob")),
    ),
    consented=st.booleans(),
)
def test_referral_create(client_for, alice, bob, org_a, org_b, org_c, case_a, case_without_consent, data, consented):
    client = client_for(alice)
    case = case_a if consented else case_without_consent
    refs = {"org_a": org_a, "org_b": org_b, "org_c": org_c, "case_a": case_a, "bob": bob}
    before = rows(*REFERRAL_MODELS)
    response = client.post(reverse("referrals:referral_create", args=[case.pk]), resolve(data, refs))
    text = inert(response)
    if response.status_code == 302:
        assert consented, "alice may not refer without consent"
        assert rows(Referral)[Referral._meta.label] == before[Referral._meta.label] + 1
        inert(client.get(response.headers["Location"]))
    else:
        assert response.status_code == 200
        errors_shown(text, response.context["form"])
        assert rows(*REFERRAL_MODELS) == before, "a refused referral must save nothing"


class Referrals:
    """One referral of case_a from A to B in the wanted state, made afresh when an accepted action moved it on."""

    def __init__(self, alice: User, bob: User, case: Case, to_org: Any) -> None:
        self.alice, self.bob, self.case, self.to_org = alice, bob, case, to_org
        self.current: Referral | None = None

    def get(self, status: str) -> Referral:
        if self.current is not None:
            self.current.refresh_from_db()
        if self.current is None or self.current.status != status:
            self.current = referral_services.referral_send(
                actor=self.alice,
                case=self.case,
                to_org=self.to_org,
                services=["shelter"],
                urgency="urgent",
                reason="Butuh rumah aman. (rekaan)",
                sections=["identity"],
            )
            if status == ReferralStatus.ACCEPTED:
                referral_services.referral_accept(actor=self.bob, referral=self.current)
            elif status == ReferralStatus.DECLINED:
                referral_services.referral_decline(actor=self.bob, referral=self.current, reason="no_capacity")
            self.current.refresh_from_db()
        return self.current


@pytest.fixture
def referrals(alice, bob, case_a, org_b):
    return Referrals(alice, bob, case_a, org_b)


ACTIONS = {
    # url name: (who, status it needs, a status it cannot be done in, the form's name in the page's context, fields)
    "referrals:referral_decline": (
        "bob",
        ReferralStatus.SENT,
        ReferralStatus.ACCEPTED,
        "decline_form",
        {"reason": choice(list(DeclineReason.values)), "note": words()},
    ),
    "referrals:referral_complete": (
        "bob",
        ReferralStatus.ACCEPTED,
        ReferralStatus.SENT,
        "complete_form",
        {"outcome": choice(list(Outcome.values)), "note": words()},
    ),
    "referrals:referral_update": (
        "bob",
        ReferralStatus.SENT,
        ReferralStatus.DECLINED,
        "update_form",
        {"note": words(min_size=1)},
    ),
    "referrals:referral_cancel": (
        "alice",
        ReferralStatus.SENT,
        ReferralStatus.DECLINED,
        "cancel_form",
        {"note": words()},
    ),
}


@fuzz(24)
@given(action=st.sampled_from(sorted(ACTIONS)), stale=st.booleans(), data=st.data())
def test_referral_answers_and_updates(client_for, alice, bob, referrals, action, stale, data):
    """``stale``: the referral was answered meanwhile (another tab, a colleague), so the action cannot be done now."""
    who, status, other_status, form_name, valid = ACTIONS[action]
    payload = data.draw(form_data(valid, always_bad=stale), label="payload")
    referral = referrals.get(other_status if stale else status)
    client = client_for(alice if who == "alice" else bob)
    before = rows(*REFERRAL_MODELS)
    response = client.post(reverse(action, args=[referral.pk]), payload)
    text = inert(response)
    referral.refresh_from_db()
    if response.status_code == 302 and stale:
        assert rows(*REFERRAL_MODELS) == before and referral.status == other_status
        assert message_texts(response), "an action that cannot be done now must say why"
    elif response.status_code == 302:
        moved = referral.status != status or rows(ReferralEvent) != {
            ReferralEvent._meta.label: before[ReferralEvent._meta.label]
        }
        assert moved or message_texts(response), "an action that did nothing must say why"
        # The sender reads the timeline's notes (the receiver only once it accepted).
        page = inert(client_for(alice).get(reverse("referrals:referral_detail", args=[referral.pk])))
        if "<script>alert(1)</script>" in last(payload.get("note", "")) and action == "referrals:referral_update":
            assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page, "the update is shown back, escaped"
    elif stale:
        assert response.status_code == 200
        assert rows(*REFERRAL_MODELS) == before and referral.status == other_status
        if response.context[form_name].errors:  # sent back with its errors: they must be beside its fields
            errors_shown(text, response.context[form_name])
        else:  # its form is no longer on the page (the referral moved on): the page says why nothing was done
            shown = [str(message) for message in response.context["messages"]]
            assert shown and all(escape(message) in text for message in shown)
    else:
        assert response.status_code == 200
        errors_shown(text, response.context[form_name])
        assert referral.status == status
        assert rows(*REFERRAL_MODELS) == before, "a refused answer must save nothing"


@fuzz(15)
@given(
    data=form_data(
        {"to_org": st.sampled_from([Ref("org_c"), Ref("network_org")]), "reason": words(min_size=1)},
        foreign=(Ref("org_a"), Ref("org_b"), Ref("case_a")),
    )
)
def test_referral_reassign(client_for, carol, org_a, org_b, org_c, network_org, case_a, referrals, data):
    referral = referrals.get(ReferralStatus.SENT)
    refs = {"org_a": org_a, "org_b": org_b, "org_c": org_c, "network_org": network_org, "case_a": case_a}
    before = rows(*REFERRAL_MODELS)
    response = client_for(carol).post(reverse("referrals:referral_reassign", args=[referral.pk]), resolve(data, refs))
    text = inert(response)
    referral.refresh_from_db()
    if response.status_code == 302:
        assert referral.status == ReferralStatus.REASSIGNED
    else:
        assert response.status_code == 200
        errors_shown(text, response.context["form"])
        assert referral.status == ReferralStatus.SENT
        assert rows(*REFERRAL_MODELS) == before, "a refused reassignment must save nothing"


@fuzz(25)
@given(
    data=form_data(
        {
            "status": choice(list(ReferralStatus.values), blank=True),
            "urgency": choice(list(Urgency.values), blank=True),
            "overdue": CHECKBOX,
            "from_org": st.sampled_from(["", Ref("org_a")]),
            "to_org": st.sampled_from(["", Ref("org_b")]),
            "province": st.sampled_from(["", "53", "34"]),
            "service": choice(list(ServiceType.values), blank=True),
            "after": st.sampled_from(["", "1700000000.000000_00000000-0000-0000-0000-000000000000"]),
        }
    )
)
def test_coordinator_queue_filters(client_for, carol, org_a, org_b, referrals, data):
    referrals.get(ReferralStatus.SENT)
    response = client_for(carol).get(reverse("referrals:queue"), resolve(data, {"org_a": org_a, "org_b": org_b}))
    text = inert(response)
    assert response.status_code == 200
    form = response.context["form"]
    if form.is_bound and form.errors:
        errors_shown(text, form)
