"""Demo data of the learning space for ``seed_demo``: a few practices (one pinned, one waiting for review), three
documents made in code (no real document is shipped), a learning event, and two recommendations at different
stages. Everything is written through the services, by the demo's own fictional people, and marked "(rekaan)"."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from accounts.choices import Role, ServiceType
from accounts.models import Organisation, User
from casework.choices import ExploitationType
from learning import samples, selectors, services
from learning.choices import CHECKLIST_KEYS, DocumentKind, Institution, SubmissionChannel, Topic
from learning.models import Practice

PRACTICES = [
    (
        "Posko informasi migrasi aman di desa asal (rekaan)",
        "Relawan desa menjawab pertanyaan calon pekerja migran sebelum mereka berangkat.",
        "## Apa yang kami lakukan\n\nSetiap hari pasar, relawan membuka **posko** di balai desa.\n\n"
        "- memeriksa izin perusahaan penempatan bersama calon pekerja;\n- membagikan nomor pengaduan;\n"
        "- mencatat pertanyaan yang sering muncul (tanpa nama).\n\n## Yang kami pelajari\n\n"
        "Calon pekerja lebih percaya pada tetangga daripada poster. Lihat juga "
        "[panduan migrasi aman](https://www.example.org/migrasi-aman).",
        Topic.PREVENTION,
        "",
        ExploitationType.FORCED_LABOUR,
        "53",
    ),
    (
        "Rumah aman berbasis komunitas untuk penyintas anak (rekaan)",
        "Keluarga asuh terlatih menampung anak sementara menunggu reunifikasi.",
        "Kami melatih **keluarga asuh** bersama Dinas Sosial.\n\n1. Seleksi dan pelatihan keluarga.\n"
        "2. Kunjungan pekerja sosial setiap minggu.\n3. Rencana reunifikasi tertulis.",
        Topic.SHELTER,
        ServiceType.SHELTER,
        ExploitationType.CHILD_LABOUR,
        "34",
    ),
    (
        "Pendampingan restitusi bersama LPSK (rekaan)",
        "Langkah praktis agar permohonan restitusi masuk sejak penyidikan.",
        "Permohonan restitusi paling berhasil bila disiapkan **sejak awal penyidikan**.\n\n"
        "> Kumpulkan bukti kerugian sejak pertemuan pertama.\n\nDasar hukum: UU 21/2007 Pasal 48.",
        Topic.LEGAL_AID,
        ServiceType.RESTITUTION,
        ExploitationType.FORCED_LABOUR,
        "31",
    ),
    (
        "Konseling kelompok bagi ABK yang dipulangkan (rekaan)",
        "Sesi kelompok di pelabuhan kedatangan mengurangi rasa malu untuk bercerita.",
        "Kami membuka sesi kelompok kecil (5–8 orang) dengan konselor sebaya.",
        Topic.PSYCHOSOCIAL,
        ServiceType.PSYCHOSOCIAL,
        ExploitationType.FORCED_LABOUR,
        "35",
    ),
]


def _first(role: str, code: str | None = None) -> User | None:
    users = User.objects.filter(membership__role=role, membership__is_active=True, is_active=True)
    if code:
        users = users.filter(membership__organisation__code=code)
    return users.order_by("username").first()


def _caseworkers(count: int) -> list[User]:
    seen: dict[int, User] = {}
    for user in User.objects.filter(membership__role=Role.CASEWORKER, membership__is_active=True).order_by("username"):
        seen.setdefault(user.membership.organisation_id, user)
    return list(seen.values())[:count]


def seed(out: Any) -> None:
    if Practice.objects.exists():
        return
    writers = _caseworkers(4)
    coordinator = _first(Role.COORDINATOR)
    if len(writers) < 3 or coordinator is None:
        out.write("Demo learning space: skipped (no caseworkers or coordinator).\n")
        return
    with transaction.atomic():
        practices = []
        for n, (title, summary, body, topic, service, exploitation, province) in enumerate(PRACTICES):
            author = writers[n % len(writers)]
            practice = services.practice_create(
                actor=author,
                title=title,
                summary=summary,
                body=body,
                topic=topic,
                service_type=service,
                exploitation_type=exploitation,
                province=province,
            )
            practice = services.practice_submit(actor=author, practice=practice)
            if n < 3:  # the last one waits for a coordinator's review
                practice = services.practice_publish(actor=coordinator, practice=practice, checklist=CHECKLIST_KEYS)
            practices.append(practice)
        services.practice_pin(actor=coordinator, practice=practices[0], pinned=True)
        services.helpful_toggle(actor=writers[1], practice=practices[0])
        services.comment_add(
            actor=writers[2], practice=practices[0], body="Kami akan mencoba posko serupa di kabupaten kami. (rekaan)"
        )
        services.topics_follow(actor=writers[0], topics=[Topic.SHELTER, Topic.LEGAL_AID])

        documents = [
            ("Laporan Forum Belajar Bersama Triwulan I (rekaan)", DocumentKind.FORUM_REPORT, "laporan-forum.pdf",
             samples.pdf("Laporan Forum Belajar Bersama Triwulan I - dokumen rekaan untuk demo")),
            ("SOP rujukan antarlembaga (rekaan)", DocumentKind.SOP, "sop-rujukan.odt",
             samples.odt("SOP rujukan antarlembaga - dokumen rekaan untuk demo")),
            ("Ringkasan UU 21/2007 tentang TPPO (rekaan)", DocumentKind.LAW, "ringkasan-uu-21-2007.pdf",
             samples.pdf("Ringkasan UU 21/2007 tentang Pemberantasan TPPO - ringkasan rekaan untuk demo")),
        ]  # fmt: skip
        for title, kind, name, data in documents:
            author = writers[0]
            document = services.document_upload(
                actor=author, upload=SimpleUploadedFile(name, data), title=title, kind=kind
            )
            document = services.document_submit(actor=author, document=document)
            services.document_publish(actor=coordinator, document=document, checklist=CHECKLIST_KEYS)

        today = timezone.localdate()
        first = services.recommendation_create(
            actor=writers[0],
            title="Pos layanan terpadu di debarkasi pekerja migran (rekaan)",
            problem="Pekerja migran yang dipulangkan sering tidak **teridentifikasi** sebagai korban di pelabuhan.",
            recommendation="Bentuk pos layanan terpadu bersama UPT BP3MI, Dinas Sosial dan LSM di setiap debarkasi.",
            institution=Institution.KP2MI,
        )
        services.evidence_add_practice(actor=writers[0], recommendation=first, practice=practices[0])
        services.recommendation_open(actor=writers[0], recommendation=first)
        for endorser in writers[1:3]:
            services.recommendation_endorse(actor=endorser, recommendation=first)
        services.recommendation_submit(
            actor=coordinator,
            recommendation=first,
            submitted_on=today - timedelta(days=20),
            submitted_to="Deputi Perlindungan, KP2MI (rekaan)",
            submitted_how=SubmissionChannel.LETTER,
        )
        services.recommendation_answer(
            actor=coordinator,
            recommendation=first,
            answered_on=today - timedelta(days=5),
            answer="Usulan akan dibahas dalam rapat koordinasi bulan depan. (jawaban rekaan)",
        )
        second = services.recommendation_create(
            actor=writers[1],
            title="Anggaran restitusi dalam APBD provinsi (rekaan)",
            problem="Restitusi yang diputus pengadilan jarang dibayar.",
            recommendation="Sediakan dana talangan restitusi di APBD provinsi.",
            institution=Institution.PROVINCIAL,
        )
        services.evidence_add_practice(actor=writers[1], recommendation=second, practice=practices[2])
        services.recommendation_open(actor=writers[1], recommendation=second)

        services.event_create(
            actor=coordinator,
            title="Forum Belajar Bersama Praktik Baik, Triwulan I (rekaan)",
            date=today - timedelta(days=30),
            place="Kupang",
            province="53",
            agenda="1. Pembukaan\n2. Berbagi praktik baik\n3. Menyusun rekomendasi kebijakan",
            organisations=Organisation.objects.filter(is_active=True),
            practices=practices[:2],
            recommendations=[first],
            challenges=list(selectors.citable_challenges_for_events()[:1]),
        )
    out.write("Demo learning space: 4 practices, 3 documents, 2 recommendations, 1 learning event.\n")
