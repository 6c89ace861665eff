"""The learning space in the seeded network: 10,000 published practices and 2,000 shared documents, seeded once.

Practices are written with bulk_create in batches, each as ``learning.services`` would have left it once published
(author and organisation, a coordinator as reviewer with the whole checklist ticked, a publication date spread over
three years, a few pinned, some marked helpful), with one history row by the reviewer; on PostgreSQL the stored
search vector is then filled in one UPDATE, as the services do row by row. Documents are rows only: their files are
not written (no bench page downloads one). ``verify`` checks that the library and a search answer.
"""

from __future__ import annotations

import random
import time
import uuid
from datetime import timedelta
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from accounts.choices import Role, ServiceType
from accounts.models import User
from casework.choices import ExploitationType
from core import provinces
from learning.choices import CHECKLIST_KEYS, DocumentKind, Status, Topic
from learning.models import Document, Practice

PRACTICES = 10_000
DOCUMENTS = 2_000
BATCH = 1000
PINNED = 5
# Words the seeded texts are made of; the search page asks for them (each in about one practice in eight).
WORDS = [
    "posyandu", "restitusi", "pemulangan", "reintegrasi", "konseling", "penjangkauan", "pendampingan", "rujukan",
    "identifikasi", "pencegahan", "advokasi", "koordinasi", "pelatihan", "desa", "pelabuhan", "embarkasi",
]  # fmt: skip
TITLES = ["Praktik {a} bersama {b}", "Belajar dari {a} di {b}", "{a} dan {b}: catatan lapangan"]
PARTNERS = ["kader desa", "Dinas Sosial", "UPT BP3MI", "LPSK", "kepolisian", "sekolah", "tokoh agama", "keluarga"]


def marker() -> dict[str, Any] | None:
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS bench_seed_learning "
            "(practices integer, documents integer, seconds real, seeded_at timestamptz)"
        )
        cursor.execute("SELECT practices, documents, seconds, seeded_at FROM bench_seed_learning")
        row = cursor.fetchone()
    if row is None:
        return None
    return {"practices": row[0], "documents": row[1], "seconds": row[2], "seeded_at": row[3].isoformat()}


def ensure(practices: int = PRACTICES, documents: int = DOCUMENTS, log: Any = print) -> dict[str, Any]:
    """Seed the learning space unless this database already holds it. Returns the marker, with ``reused``."""
    found = marker()
    if found is not None:
        if (found["practices"], found["documents"]) != (practices, documents):
            raise SystemExit(
                f"The bench database holds {found['practices']:,} practices and {found['documents']:,} documents, "
                f"not {practices:,} and {documents:,}. Pass --reseed to seed everything again."
            )
        return {**found, "reused": True}
    if Practice.objects.exists():
        raise SystemExit("The bench database holds practices but no learning seed. Pass --reseed.")
    started = time.perf_counter()
    seed(practices, documents, log)
    with connection.cursor() as cursor:
        for table in ("learning_practice", "learning_document"):
            cursor.execute(f"VACUUM (ANALYZE) {table}")
        cursor.execute(
            "INSERT INTO bench_seed_learning VALUES (%s, %s, %s, now())",
            [practices, documents, time.perf_counter() - started],
        )
    verify(log)
    return {**(marker() or {}), "reused": False}


def _text(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


def seed(practices: int, documents: int, log: Any = print) -> None:
    rng = random.Random(12)
    authors = list(
        User.objects.filter(membership__role=Role.CASEWORKER, is_active=True).values_list(
            "pk", "membership__organisation_id"
        )
    )
    reviewer = User.objects.filter(membership__role=Role.COORDINATOR, is_active=True).order_by("pk").first()
    assert authors and reviewer is not None, "seed the network first"
    now = timezone.now()
    codes = [p.code for p in provinces.PROVINCES]
    started = time.perf_counter()
    for start in range(0, practices, BATCH):
        batch = []
        for n in range(start, min(start + BATCH, practices)):
            author, organisation = rng.choice(authors)
            published = now - timedelta(minutes=rng.randrange(3 * 365 * 24 * 60))
            title = rng.choice(TITLES).format(a=rng.choice(WORDS), b=rng.choice(PARTNERS))
            practice = Practice(
                id=uuid.UUID(int=rng.getrandbits(128), version=4),
                title=f"{title} (rekaan {n})",
                summary=_text(rng, 12),
                body="\n\n".join(_text(rng, 40) for _ in range(4)),
                topic=rng.choice(Topic.values),
                service_type=rng.choice(["", *ServiceType.values]),
                exploitation_type=rng.choice(["", *ExploitationType.values]),
                province=rng.choice(codes),
                organisation_id=organisation,
                author_id=author,
                status=Status.PUBLISHED,
                created_at=published - timedelta(days=2),
                updated_at=published,
                published_at=published,
                reviewed_by=reviewer,
                checklist=list(CHECKLIST_KEYS),
                pinned=n < PINNED,
                helpful_count=rng.choice([0, 0, 0, 1, 2, 5]),
            )
            practice._history_user = reviewer  # type: ignore[attr-defined]
            batch.append(practice)
        with transaction.atomic():
            bulk_create_with_history(batch, Practice, default_user=reviewer)
        log(f"  {start + len(batch):,} practices in {time.perf_counter() - started:.0f} s")
    if connection.vendor == "postgresql":
        from learning.services.practices import refresh_search_vector

        refresh_search_vector(Practice.objects.values_list("pk", flat=True))
    docs = []
    for n in range(documents):
        author, organisation = rng.choice(authors)
        published = now - timedelta(minutes=rng.randrange(3 * 365 * 24 * 60))
        docs.append(
            Document(
                id=uuid.UUID(int=rng.getrandbits(128), version=4),
                title=f"Dokumen {rng.choice(WORDS)} (rekaan {n})",
                description=_text(rng, 15),
                kind=rng.choice(DocumentKind.values),
                organisation_id=organisation,
                author_id=author,
                status=Status.PUBLISHED,
                created_at=published,
                updated_at=published,
                published_at=published,
                reviewed_by=reviewer,
                checklist=list(CHECKLIST_KEYS),
                stored_name=f"bench-{n:05d}.bin",
                original_name=f"dokumen-{n}.pdf",
                file_type="pdf",
                content_type="application/pdf",
                size=1000 + n,
                sha256="0" * 64,
            )
        )
    with transaction.atomic():
        bulk_create_with_history(docs, Document, batch_size=BATCH, default_user=reviewer)
    log(f"  {documents:,} documents in {time.perf_counter() - started:.0f} s")


def verify(log: Any = print) -> None:
    from learning import selectors

    reader = User.objects.filter(membership__role=Role.CASEWORKER, is_active=True).order_by("pk").first()
    assert reader is not None
    first = selectors.library(reader, selectors.LibraryFilters())
    assert len(first["page"].items) == selectors.PAGE_SIZE and first["pinned"], "the library's first page"
    found = selectors.library(reader, selectors.LibraryFilters(q=WORDS[0]))
    assert found["page"].items, "a full-text search finds seeded practices"
    log("  learning seed verified: the library and a search answer")
