"""The fixed cast used everywhere.

- ``alice``: caseworker of organisation A; ``anna``: her colleague at A (for restricted cases).
- ``bob``: caseworker of organisation B; he should have no access to A's cases.
- ``carol``: a network coordinator; ``dave``: a network admin. Both sit in the network's secretariat and see no case
  contents through their role.
- anonymous: the plain ``client`` fixture.

``client_for(user)`` signs a user in (with a verified second factor for roles that require one).
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable, Iterator

import pytest
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.choices import OrganisationKind, Role, ServiceType
from accounts.models import Organisation, User
from tests.factories import OrganisationFactory, UserFactory


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: object) -> None:
    # Argon2 is the production hasher (tests/accounts/test_settings.py checks it); tests hash hundreds of passwords.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # type: ignore[attr-defined]


@pytest.fixture(autouse=True)
def _empty_cache() -> Iterator[None]:
    """Each test starts with an empty cache (sessions, the navigation's counts): the test database is rolled back
    after each test, and the next test's rows may reuse the ids the cached counts are keyed by."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture(autouse=True)
def _access_log_flushable(request: pytest.FixtureRequest) -> Iterator[None]:
    """The access log refuses DELETE, also in tests. After a transactional test on SQLite, Django empties every table
    with DELETE; this lifts the trigger just for that (PostgreSQL empties tables with TRUNCATE, which row triggers
    do not see). Runs before Django's flush because pytest-django's database fixture was set up first."""
    yield
    marker = request.node.get_closest_marker("django_db")
    if not marker or not marker.kwargs.get("transaction"):
        return
    from django.db import connection

    if connection.vendor != "sqlite":
        return
    migration = importlib.import_module("audit.migrations.0002_append_only")
    with connection.cursor() as cursor:
        for sql in migration.SQLITE_DOWN:
            cursor.execute(sql)
        cursor.execute("DELETE FROM audit_accesslog")
        for sql in migration.SQLITE_UP:
            cursor.execute(sql)


@pytest.fixture
def org_a(db: None) -> Organisation:
    return OrganisationFactory(name="Organisasi A (fiktif)", code="ORGA", province="34")


@pytest.fixture
def org_b(db: None) -> Organisation:
    return OrganisationFactory(name="Organisasi B (fiktif)", code="ORGB", province="53", kind=OrganisationKind.SHELTER)


@pytest.fixture
def org_c(db: None) -> Organisation:
    return OrganisationFactory(
        name="Organisasi C (fiktif)",
        code="ORGC",
        province="52",
        kind=OrganisationKind.LEGAL_AID,
        services=[ServiceType.LEGAL_AID, ServiceType.SHELTER],
    )


@pytest.fixture
def network_org(db: None) -> Organisation:
    return OrganisationFactory(name="Sekretariat Uji (fiktif)", code="NET", province="31", services=[])


@pytest.fixture
def alice(org_a: Organisation) -> User:
    return UserFactory(username="alice", first_name="Alice", organisation=org_a, role=Role.CASEWORKER)


@pytest.fixture
def anna(org_a: Organisation) -> User:
    return UserFactory(username="anna", first_name="Anna", organisation=org_a, role=Role.CASEWORKER)


@pytest.fixture
def bob(org_b: Organisation) -> User:
    return UserFactory(username="bob", first_name="Bob", organisation=org_b, role=Role.CASEWORKER)


@pytest.fixture
def cecep(org_c: Organisation) -> User:
    return UserFactory(username="cecep", first_name="Cecep", organisation=org_c, role=Role.CASEWORKER)


@pytest.fixture
def carol(network_org: Organisation) -> User:
    return with_device(
        UserFactory(username="carol", first_name="Carol", organisation=network_org, role=Role.COORDINATOR)
    )


@pytest.fixture
def dave(network_org: Organisation) -> User:
    return with_device(UserFactory(username="dave", first_name="Dave", organisation=network_org, role=Role.ADMIN))


def with_device(user: User) -> User:
    TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    return user


def sign_in(client: Client, user: User) -> Client:
    client.force_login(user, backend="accounts.backends.UsernameOrEmailBackend")
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is not None:
        session = client.session
        session["otp_device_id"] = device.persistent_id
        session.save()
    return client


@pytest.fixture
def client_for(db: None) -> Callable[[User], Client]:
    def make(user: User) -> Client:
        return sign_in(Client(), user)

    return make


@pytest.fixture
def case_a(alice):
    """A case of organisation A (alice's), whose identity, narrative and note hold the MARKERS."""
    from datetime import date

    from casework import services
    from casework.choices import ConsentGivenBy, ConsentKind, ExploitationType, Gender, RiskLevel
    from tests.cases import MARKERS

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
def referral(alice, bob, case_a, org_b):
    """alice (organisation A) refers case_a to organisation B (bob's), sharing identity only."""
    from referrals import services

    return services.referral_send(
        actor=alice,
        case=case_a,
        to_org=org_b,
        services=["shelter"],
        urgency="urgent",
        reason="Butuh rumah aman segera. (rekaan)",
        sections=["identity"],
    )


@pytest.fixture
def accepted(referral, bob):
    """The same referral, accepted by bob."""
    from referrals import services

    return services.referral_accept(actor=bob, referral=referral)


@pytest.fixture
def restricted_case(alice, anna):
    """A case of organisation A that only alice is named on."""
    from tests.cases import open_case

    return open_case(alice, name="Rahasia Terbatas", restricted=True, named=[alice])


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked ``postgres`` need row locks and concurrent transactions: on SQLite they are skipped (``make test``
    leaves them out when DATABASE_URL is not set, so a local SQLite run shows no skip)."""
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        return
    for item in items:
        if item.get_closest_marker("postgres"):
            item.add_marker(pytest.mark.skip(reason="needs PostgreSQL: set DATABASE_URL=postgres://..."))


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """CI sets JEJARING_FAIL_ON_SKIP: a skipped test there means something was not checked, which is a failure."""
    if os.environ.get("JEJARING_FAIL_ON_SKIP") != "1":
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if skipped:
        reporter.write_line(
            f"JEJARING_FAIL_ON_SKIP: {len(skipped)} test(s) skipped; CI treats that as a failure.", red=True
        )
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
