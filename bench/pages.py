"""What is measured: one ``Page`` per request kind, in ``PAGES``: the case pages, then the referral pages.

A page builds its request from a ``Fixture`` (what one organisation's caseworkers, or the coordinators, can ask for,
gathered from the seeded database), the worker's number and the iteration, so that concurrent workers spread over
many cases and referrals.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils import timezone

from accounts.choices import Role
from accounts.models import Organisation, User
from casework.models import Case, CaseKey
from casework.vault import CASE, Vault

PAGE_SIZE = 25  # selectors.keyset_page's default
CASE_LABELS = ("small", "bench", "large")  # SQL is counted as a caseworker of each of these organisations
# Referral pages: organisations receiving the fewest, about the average and the most referrals; for the coordinators,
# the queue narrowed to each of those organisations, then the whole network (what is measured under load).
RECEIVING_LABELS = ("recv_small", "recv_middle", "recv_large")
NETWORK = "coordinators"  # the whole network: the queue without the organisation filter (one statement fewer)
COORDINATOR_LABELS = ("coord_small", "coord_middle", "coord_large", NETWORK)


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    form: dict[str, str | list[str]] | None = None  # POST fields; the CSRF token is added by the client


@dataclass(frozen=True)
class Target:
    """This page's throughput must be at least ``ratio`` times that of page ``of``."""

    of: str
    ratio: float


@dataclass
class Fixture:
    """One organisation, seen by its caseworkers: who they are, and cases, a deep cursor, NIKs and names to ask for.
    For the referral pages: how many referrals it received, referrals to open and a pool to reassign; the
    coordinators' fixtures narrow the queue to one organisation (``referral_filter``) or see the whole network."""

    label: str
    organisation: str
    users: list[int]
    province: str = ""
    cases: int = 0
    case_ids: list[str] = field(default_factory=list)
    deep_page: int = 0
    deep_cursor: str = ""
    niks: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    referrals: int = 0
    referral_filter: str = ""  # added to the queue's query string
    referral_ids: list[str] = field(default_factory=list)
    pool: Any = None  # bench.referrals.Pool: referrals to reassign, each once


@dataclass(frozen=True)
class Page:
    name: str
    describe: str
    build: Callable[[Fixture, int, int], Request]  # (fixture, worker, iteration) -> the request
    expect: int = 200
    target: Target | None = None
    fixture: str = "bench"  # whose users send it under load (see ``fixtures``)
    counts: tuple[str, ...] = CASE_LABELS  # as whom SQL per request is counted (bench/queries.py)
    csrf_from: str = "/cases/"  # a page the user may open, for the CSRF token of a POST
    signed_in: bool = True  # False: sent without a session cookie (the floor)
    also: tuple[Target, ...] = ()  # further targets

    @property
    def targets(self) -> tuple[Target, ...]:
        return ((self.target,) if self.target else ()) + self.also


def _pick(items: list[str], worker: int, iteration: int) -> str:
    return items[(worker * 7919 + iteration * 31) % len(items)]


# Intakes of this run get NIKs and phones no earlier run used (as a rule), so that the duplicate check finds nothing.
RUN = random.randrange(10_000)


def _intake_form(fixture: Fixture, worker: int, iteration: int) -> dict[str, str | list[str]]:
    """A valid intake (casework/forms.py CaseForm) for a fictional person with a 9xxx NIK."""
    today = timezone.localdate().isoformat()
    person = f"{(RUN + worker) % 10_000:04d}"
    nik = f"{fixture.province}{person}440390" + f"9{iteration % 1000:03d}"  # a woman born on 4 March 1990
    return {
        "full_name": f"Intan {['Ayu', 'Mega', 'Tri'][iteration % 3]} Rekaan",
        "nik": nik,
        "date_of_birth": "1990-03-04",
        "age_band": "unknown",
        "gender": "feminine",
        "nationality": "ID",
        "phones": f"0800 6{person}{iteration % 1000:03d}",
        "address": "Jalan Rekaan no. 1",
        "intake_channel": "hotline",
        "intake_date": today,
        "trafficking_status": "possible",
        "exploitation_types": ["forced_labour", "servitude"],
        "labour_sector": "domestic_work",
        "means_of_control": ["withholds_documents"],
        "narrative": "Dijanjikan pekerjaan rumah tangga; gaji tidak dibayar. (cerita rekaan untuk bench)",
        "needs": "Pemulangan. (rekaan)",
        "origin_province": fixture.province,
        "destination_country": "MY",
        "consent_date": today,
        "consent_services": "on",
        "consent_given_by": "person",
        "risk_level": "medium",
    }


# Issue 15: every page within 3x of the signed-in baseline, and the baseline within 3x of the floor (/healthz).
WITHIN_3X = Target("baseline", 0.33)
FLOOR = "healthz"

PAGES: list[Page] = [
    Page(
        FLOOR,
        "GET /healthz without a session (the floor: the middleware and one SELECT 1, no template)",
        lambda f, w, i: Request("GET", "/healthz"),
        signed_in=False,
    ),
    Page(
        "baseline",
        "GET /accounts/account/ (a trivial signed-in page)",
        lambda f, w, i: Request("GET", "/accounts/account/"),
        target=Target(FLOOR, 0.33),
    ),
    Page(
        "home",
        "GET / (the caseworker's home: follow-ups, referrals, recent cases, open cases by risk)",
        lambda f, w, i: Request("GET", "/"),
        target=Target("baseline", 0.30),
    ),
    Page(
        "case_list",
        "GET /cases/ (first page)",
        lambda f, w, i: Request("GET", "/cases/"),
        target=WITHIN_3X,
    ),
    Page(
        "case_list_deep",
        "GET /cases/?after=<cursor> (a page 3/4 into the organisation's cases)",
        lambda f, w, i: Request("GET", f"/cases/?after={f.deep_cursor}"),
        target=WITHIN_3X,
    ),
    Page(
        "case_detail",
        "GET /cases/<id>/ (summary tab, various cases)",
        lambda f, w, i: Request("GET", f"/cases/{_pick(f.case_ids, w, i)}/"),
        target=WITHIN_3X,
    ),
    Page(
        "search_nik",
        "POST /cases/search/ q=<NIK> (-> 302 to the case)",
        lambda f, w, i: Request("POST", "/cases/search/", {"q": _pick(f.niks, w, i)}),
        expect=302,
        target=Target("case_list", 0.50),
        also=(WITHIN_3X,),
    ),
    Page(
        "search_name",
        "POST /cases/search/ q=<two names matching 2-5 cases> (-> 302)",
        lambda f, w, i: Request("POST", "/cases/search/", {"q": _pick(f.names, w, i)}),
        expect=302,
        target=WITHIN_3X,
    ),
    Page(
        "intake",
        "POST /cases/new/ (a valid new case, -> 302; at an organisation of similar size)",
        lambda f, w, i: Request("POST", "/cases/new/", _intake_form(f, w, i)),
        expect=302,
        fixture="intake",
        target=WITHIN_3X,
    ),
    Page(
        "referral_queue",
        "GET /referrals/queue/?overdue=on (a coordinator, the first page)",
        lambda f, w, i: Request("GET", f"/referrals/queue/?overdue=on{f.referral_filter}"),
        target=WITHIN_3X,
        fixture="coordinators",
        counts=COORDINATOR_LABELS,
    ),
    Page(
        "referral_inbox",
        "GET /referrals/ (a caseworker of the busiest receiving organisation)",
        lambda f, w, i: Request("GET", "/referrals/"),
        target=WITHIN_3X,
        fixture="recv_large",
        counts=RECEIVING_LABELS,
    ),
    Page(
        "referral_reassign",
        "POST /referrals/<id>/reassign/ (a coordinator; another sent or declined referral each time, -> 302)",
        lambda f, w, i: _reassign(f),
        expect=302,
        target=WITHIN_3X,
        fixture="coordinators",
        counts=COORDINATOR_LABELS,
        csrf_from="/referrals/queue/",
    ),
]
REFERRAL_PAGES = {"referral_queue", "referral_inbox", "referral_reassign"}
# The network pages (issue 11), as a caseworker of the bench organisation (every member sees them). They read the
# precomputed aggregates: bench/network.py prepares them before the pages are measured.
NETWORK_METRICS = [
    "metric=origin",
    "metric=exploitation&category=forced_labour",
    "metric=sector&category=domestic_work",
    "metric=recruitment&category=labour_agent",
]
NETWORK_PROVINCES = ["11", "31", "32", "33", "35", "52", "53", "61", "73", "94"]
PAGES += [
    Page(
        "network_map",
        "GET /network/?metric=... (the national map and its table; each client one of four metrics)",
        lambda f, w, i: Request("GET", f"/network/?{_pick(NETWORK_METRICS, w, 0)}"),  # one metric per client
        target=Target("baseline", 0.50),
    ),
    Page(
        "network_province",
        "GET /network/province/<code>/ (breakdowns and routes of a province, ten provinces in turn)",
        lambda f, w, i: Request("GET", f"/network/province/{_pick(NETWORK_PROVINCES, w, i)}/"),
        target=Target("baseline", 0.50),
    ),
    Page(
        "network_needs",
        "GET /network/needs/ (signals, posted needs, the organisation's own unserved high-risk cases)",
        lambda f, w, i: Request("GET", "/network/needs/"),
        target=Target("baseline", 0.25),
    ),
]
NETWORK_PAGES = {"network_map", "network_province", "network_needs"}

# The learning space (bench/learning.py seeds 10,000 practices and 2,000 documents): the same for every member.
PAGES += [
    Page(
        "learning_library",
        "GET /learning/ (the good-practice library's first page, pinned first)",
        lambda f, w, i: Request("GET", "/learning/"),
        target=Target("baseline", 0.30),
    ),
    Page(
        "learning_search",
        "GET /learning/?q=<a word in about 1 practice in 8> (full-text search, first page)",
        lambda f, w, i: Request("GET", f"/learning/?q={_pick(LEARNING_WORDS, w, i)}"),
        target=Target("baseline", 0.30),
    ),
]
LEARNING_PAGES = {"learning_library", "learning_search"}
LEARNING_WORDS = [
    "posyandu",
    "restitusi",
    "pemulangan",
    "reintegrasi",
    "konseling",
    "penjangkauan",
    "pendampingan",
    "rujukan",
]  # fmt: skip  (words of bench/learning.py's seeded texts)


def _reassign(fixture: Fixture) -> Request:
    referral_id, to_org = fixture.pool.take()
    reason = "Organisasi penerima tidak menjawab; dialihkan oleh koordinator. (alasan rekaan untuk bench)"
    return Request("POST", f"/referrals/{referral_id}/reassign/", {"to_org": str(to_org), "reason": reason})


# --- Fixtures from the seeded database ---------------------------------------------------------------------------


def organisations_by_size(seeded_before: datetime | None) -> list[tuple[Organisation, int]]:
    """Organisations that hold cases, smallest first, with their number of seeded cases (not the bench's intakes)."""
    cases = Case.objects.filter(created_at__lte=seeded_before) if seeded_before else Case.objects.all()
    counts = Counter(cases.values_list("owner_id", flat=True).iterator(chunk_size=10_000))
    organisations = Organisation.objects.in_bulk(list(counts))
    return sorted(((organisations[pk], n) for pk, n in counts.items()), key=lambda pair: (pair[1], pair[0].code))


def gather(label: str, organisation: Organisation, sample: int = 300) -> Fixture:
    rng = random.Random(label)
    users = list(
        User.objects.filter(
            membership__organisation=organisation, membership__role=Role.CASEWORKER, is_active=True
        ).values_list("pk", flat=True)
    )
    ordered = Case.objects.filter(owner=organisation).order_by("-created_at", "-id").only("id", "created_at")
    total = ordered.count()
    deep_page = max(2, total * 3 // 4 // PAGE_SIZE)
    last_of_page = ordered[(deep_page - 1) * PAGE_SIZE - 1]
    deep_cursor = f"{last_of_page.created_at.timestamp():.6f}_{last_of_page.pk}"  # accounts/pagination.py's cursor
    # Cases every caseworker of the organisation may open (not restricted), with their decrypted identity.
    keys = dict(CaseKey.objects.filter(case__owner=organisation).values_list("case_id", "wrapped"))
    rows = Case.objects.filter(owner=organisation, is_restricted=False).values_list("id", "identity_enc")
    identities = {pk: Vault(pk, keys[pk]).open_json(CASE, "identity_enc", pk, enc) for pk, enc in rows}
    chosen = rng.sample(sorted(identities), min(sample, len(identities)))
    pairs = Counter(" ".join(identity["full_name"].split()[:2]) for identity in identities.values())
    # Two names that match a few cases: 2 to 5 where the organisation has such pairs, else those nearest 3.
    names = sorted(pairs, key=lambda name: (0 if 2 <= pairs[name] <= 5 else abs(pairs[name] - 3), name))[:50]
    return Fixture(
        label=label,
        organisation=organisation.code,
        province=organisation.province,
        cases=total,
        users=users,
        case_ids=[str(pk) for pk in chosen],
        deep_page=deep_page,
        deep_cursor=deep_cursor,
        niks=[identities[pk]["nik"] for pk in chosen],
        names=names,
    )


def fixtures(
    seeded_before: datetime | None = None, *, cases: bool = True, referrals: bool = False, reassignments: int = 3000
) -> dict[str, Fixture]:
    """The smallest and largest organisations, the one nearest the average size (the one under load), and the next
    larger one for intakes, so that the organisation under load keeps its size from run to run. With ``referrals``,
    also the fixtures of the referral pages (``referral_fixtures``)."""
    found: dict[str, Fixture] = {}
    if cases:
        by_size = organisations_by_size(seeded_before)
        average = sum(n for _org, n in by_size) / len(by_size)
        middle = min(range(len(by_size)), key=lambda i: abs(by_size[i][1] - average))
        chosen = {"small": 0, "bench": middle, "large": len(by_size) - 1, "intake": middle + 1}
        found |= {label: gather(label, by_size[i][0]) for label, i in chosen.items()}
    if referrals:
        found |= referral_fixtures(reassignments)
    return found


def referral_fixtures(pool_size: int = 3000) -> dict[str, Fixture]:
    """Receiving organisations with the fewest, about the average and the most referrals (their caseworkers open the
    inbox), and the coordinators: narrowed to each of those organisations, or over the whole network."""
    from bench import referrals

    by_size = referrals.receiving_by_size()
    average = sum(n for _org, n in by_size) / len(by_size)
    middle = min(range(len(by_size)), key=lambda i: abs(by_size[i][1] - average))
    coordinators = list(
        User.objects.filter(membership__role=Role.COORDINATOR, is_active=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    found: dict[str, Fixture] = {}
    for size, index in (("small", 0), ("middle", middle), ("large", len(by_size) - 1)):
        organisation, received = by_size[index]
        caseworkers = User.objects.filter(
            membership__organisation=organisation, membership__role=Role.CASEWORKER, is_active=True
        ).order_by("pk")
        found[f"recv_{size}"] = Fixture(
            label=f"recv_{size}",
            organisation=organisation.code,
            users=list(caseworkers.values_list("pk", flat=True)),
            referrals=received,
        )
        found[f"coord_{size}"] = Fixture(
            label=f"coord_{size}",
            organisation=organisation.code,
            users=coordinators,
            referrals=received,
            referral_filter=f"&to_org={organisation.pk}",
            pool=referrals.reassign_pool(organisation, 20, f"coord_{size}"),
        )
    found["coordinators"] = Fixture(
        label="coordinators",
        organisation="network",
        users=coordinators,
        referrals=sum(n for _org, n in by_size),
        pool=referrals.reassign_pool(None, pool_size, "coordinators"),
    )
    return found
