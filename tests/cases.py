"""Cases for tests: ``open_case`` through the real service, and ``MARKERS``, unique strings that make leaks easy
to find (no table, log, email or message may contain them in plain text)."""

from __future__ import annotations

from casework import services
from casework.choices import Gender, RiskLevel

MARKERS = {
    "name": "Zulaikha Markerwati",
    "alias": "Kembangmarker",
    "nik": "3404014101990001",
    "passport": "X1234567",
    "phone": "0812 9876 5432",
    "address": "Jalan Penanda Rahasia 17",
    "family": "Kakak Penandasari",
    "narrative": "NARASI-PENANDA-7731 direkrut lewat media sosial",
    "needs": "KEBUTUHAN-PENANDA-4410",
    "note": "CATATAN-PENANDA-9902",
}


def open_case(actor, *, name="Nama Uji Rekaan", nik="", phones=(), restricted=False, named=(), consents=(), **summary):
    return services.case_open(
        actor=actor,
        summary={"risk_level": RiskLevel.MEDIUM, "gender": Gender.FEMININE, **summary},
        identity={"full_name": name, "nik": nik, "aliases": []},
        contact={"phones": list(phones)},
        narrative="Narasi rekaan untuk uji.",
        is_restricted=restricted,
        named_users=named,
        consents=list(consents),
    )


def backdate(case, when):
    """Move a case's opening time, as a test arranging cases in time must: a case's ``created_at`` never changes in
    the product, and its grants carry a copy (CaseGroupObjectPermission.case_created_at, the case list's order)."""
    from casework.models import Case, CaseGroupObjectPermission

    Case.objects.filter(pk=case.pk).update(created_at=when)
    CaseGroupObjectPermission.objects.filter(content_object_id=case.pk).update(case_created_at=when)
