"""The learning rows of tests/test_url_matrix.py: for each URL on a learning object, the object it is asked about
(made fresh for each request, since most of these requests change it) and what each member of the cast gets.

The objects belong to organisation A (alice's): bob and cecep are other organisations, carol a coordinator, dave an
admin. Drafts are alice's organisation's only (404 to everyone else); a role that may not act gets 403.
"""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from learning import samples, services
from learning.choices import CHECKLIST_KEYS, Institution, Topic

OK = {200, 302}
MEMBERS = {"alice", "bob", "cecep", "carol", "dave"}


def everyone(status: set[int]) -> dict[str, set[int]]:
    return dict.fromkeys(MEMBERS, status)


def only(who: str, status: set[int] = OK, others: set[int] = frozenset({403})) -> dict[str, set[int]]:  # type: ignore[assignment]
    return {**everyone(set(others)), who: status}


# Own organisation's draft: alice may, other organisations and the coordinator get 404, dave's role is refused first.
DRAFT_AUTHOR = {"alice": OK, "bob": {404}, "cecep": {404}, "carol": {404}, "dave": {403}}
DRAFT_READER = {"alice": OK, "bob": {404}, "cecep": {404}, "carol": {404}, "dave": {404}}

# url name -> (object, expectations)
TARGETS: dict[str, tuple[str, dict[str, set[int]]]] = {
    "learning:practice_detail": ("draft", DRAFT_READER),
    "learning:practice_edit": ("draft", DRAFT_AUTHOR),
    "learning:practice_submit": ("draft", DRAFT_AUTHOR),
    "learning:practice_signoff": ("draft", DRAFT_AUTHOR),
    "learning:practice_review": ("review", only("carol")),
    "learning:practice_pin": ("published", only("carol")),
    "learning:practice_archive": ("published", only("dave")),
    "learning:practice_helpful": ("published", everyone(OK)),
    "learning:practice_comment": ("published", everyone(OK)),
    "learning:comment_hide": ("comment", only("carol")),
    "learning:document_detail": ("doc_draft", DRAFT_READER),
    "learning:document_download": ("doc_draft", DRAFT_READER),
    "learning:document_submit": ("doc_draft", DRAFT_AUTHOR),
    "learning:document_edit": ("doc_published", {**only("carol"), "alice": OK}),
    "learning:document_review": ("doc_review", only("carol")),
    "learning:document_archive": ("doc_published", only("dave")),
    "learning:recommendation_detail": ("rec_draft", DRAFT_READER),
    "learning:recommendation_edit": ("rec_draft", DRAFT_AUTHOR),
    "learning:recommendation_open": ("rec_draft", DRAFT_AUTHOR),
    "learning:recommendation_endorse": ("rec_open", {**everyone(OK), "dave": {403}}),
    "learning:recommendation_submit": ("rec_open", only("carol")),
    "learning:recommendation_answer": ("rec_submitted", only("carol")),
    "learning:recommendation_outcome": ("rec_answered", only("carol")),
    "learning:evidence_add": ("rec_open", {**only("carol"), "alice": OK}),
    "learning:evidence_remove": ("evidence", {**only("carol"), "alice": OK}),
    "learning:recommendation_brief": ("rec_open", everyone(OK)),
    "learning:recommendation_brief_pdf": ("rec_draft", DRAFT_READER),
    "learning:event_detail": ("event", everyone(OK)),
    "learning:event_edit": ("event", only("carol")),
}


def expected(name: str, who: str) -> set[int]:
    return {302} if who == "anonymous" else TARGETS[name][1][who]


def _practice(alice: Any, carol: Any, stage: str) -> Any:
    practice = services.practice_create(
        actor=alice, title="Praktik uji (rekaan)", summary="Ringkas.", body="Isi.", topic=Topic.OTHER
    )
    if stage in ("review", "published"):
        practice = services.practice_submit(actor=alice, practice=practice)
    if stage == "published":
        practice = services.practice_publish(actor=carol, practice=practice, checklist=CHECKLIST_KEYS)
    return practice


def _document(alice: Any, carol: Any, stage: str) -> Any:
    upload = SimpleUploadedFile("sop.pdf", samples.pdf("SOP uji (rekaan)"))
    document = services.document_upload(actor=alice, upload=upload, title="SOP uji (rekaan)", kind="sop")
    if stage in ("review", "published"):
        services.document_submit(actor=alice, document=document)
    if stage == "published":
        services.document_publish(actor=carol, document=document, checklist=CHECKLIST_KEYS)
    return document


def _recommendation(alice: Any, carol: Any, stage: str) -> Any:
    recommendation = services.recommendation_create(
        actor=alice,
        title="Rekomendasi uji (rekaan)",
        problem="Masalah.",
        recommendation="Usul.",
        institution=Institution.LPSK,
    )
    today = timezone.localdate()
    if stage in ("open", "submitted", "answered"):
        services.recommendation_open(actor=alice, recommendation=recommendation)
    if stage in ("submitted", "answered"):
        services.recommendation_submit(
            actor=carol, recommendation=recommendation, submitted_on=today, submitted_to="LPSK", submitted_how="letter"
        )
    if stage == "answered":
        services.recommendation_answer(actor=carol, recommendation=recommendation, answered_on=today, answer="Ya.")
    return recommendation


def url(name: str, users: dict[str, Any]) -> str:
    """A fresh object for this request, and the URL asking about it."""
    alice, carol, bob = users["alice"], users["carol"], users["bob"]
    target = TARGETS[name][0]
    if target in ("draft", "review", "published"):
        obj = _practice(alice, carol, target)
    elif target == "comment":
        obj = services.comment_add(actor=bob, practice=_practice(alice, carol, "published"), body="Komentar uji.")
    elif target.startswith("doc_"):
        obj = _document(alice, carol, target.removeprefix("doc_"))
    elif target.startswith("rec_"):
        obj = _recommendation(alice, carol, target.removeprefix("rec_"))
    elif target == "evidence":
        recommendation = _recommendation(alice, carol, "open")
        practice = _practice(alice, carol, "published")
        evidence = services.evidence_add_practice(actor=alice, recommendation=recommendation, practice=practice)
        return reverse(name, args=[recommendation.pk, evidence.pk])
    else:
        obj = services.event_create(actor=carol, title="Forum uji (rekaan)", date=timezone.localdate(), place="Kupang")
    return reverse(name, args=[obj.pk])
