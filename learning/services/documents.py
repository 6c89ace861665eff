"""The document library: upload (type by content, size limit, random name), review, and logged downloads."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from accounts.models import User
from audit import access_log
from audit.models import AccessLog
from learning import files
from learning import reminders as notices
from learning.choices import Status
from learning.models import Document
from learning.services import _common as common

STORAGE = "documents"


def storage() -> Any:
    return storages[STORAGE]


def _digest(upload: Any) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in iter(lambda: upload.read(1024 * 1024), b""):
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def _display_name(name: str, kind: files.Kind) -> str:
    """The name shown and offered on download: the uploader's name without its path, with the extension the content
    proved (a "report.pdf" that is really a DOCX downloads as "report.docx")."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    stem = base.rsplit(".", 1)[0] if "." in base else base
    stem = "".join(ch for ch in stem if ch.isprintable() and ch not in '<>:"/\\|?*')[:150].strip() or "dokumen"
    return f"{stem}.{kind.extension}"


def document_upload(
    *, actor: User, upload: IO[bytes] | Any, title: str, kind: str, description: str = "", topic: str = ""
) -> Document:
    """Store a document as a draft of the actor's organisation. The file is checked by its content and size first
    (``files.Refused`` becomes a ValidationError on ``file``); if the database write fails, the stored file is
    removed again, so a refused or failed upload leaves nothing behind."""
    common.require_author_role(actor)
    common.require_text(title=title)
    try:
        file_kind = files.sniff(upload, max_bytes=settings.JEJARING_DOCUMENT_MAX_BYTES)
    except files.Refused as refused:
        raise ValidationError({"file": str(refused)}) from None
    if file_kind.image:
        try:
            clean, file_kind = files.strip_metadata(upload, file_kind)
        except files.Refused as refused:
            raise ValidationError({"file": str(refused)}) from None
        upload = ContentFile(clean.read(), name=getattr(upload, "name", ""))
    document = Document(
        organisation=actor.organisation,
        author=actor,
        title=title.strip(),
        description=description.strip(),
        kind=kind,
        topic=topic or "",
        original_name=_display_name(getattr(upload, "name", ""), file_kind),
        file_type=file_kind.code,
        content_type=file_kind.content_type,
        size=files.size_of(upload),
        sha256=_digest(upload),
        stored_name=f"{secrets.token_hex(16)}.bin",
    )
    document.full_clean(exclude=["organisation", "author"])
    store = storage()
    stored = store.save(document.stored_name, upload)
    try:
        with transaction.atomic():
            document.stored_name = stored
            common.save(document, actor, force_insert=True)
    except BaseException:
        store.delete(stored)
        raise
    return document


def _locked(document: Document) -> Document:
    return Document.objects.select_for_update().get(pk=document.pk)


METADATA = ("title", "description", "kind", "topic")


@transaction.atomic
def document_update(
    *, actor: User, document: Document, title: str, kind: str, description: str = "", topic: str = ""
) -> Document:
    """Edit what describes a document (the file stays). A shared document that changes goes back to review: a
    coordinator ticks the no-victim-data checklist again before it is shared again. Nothing changed, nothing saved."""
    from learning.selectors import may_edit_document

    document = _locked(document)
    if not may_edit_document(actor, document):
        raise PermissionDenied
    common.require_text(title=title)
    values = {"title": title.strip(), "description": description.strip(), "kind": kind, "topic": topic or ""}
    if all(getattr(document, name) == value for name, value in values.items()):
        return document
    for name, value in values.items():
        setattr(document, name, value)
    document.full_clean(exclude=["organisation", "author"])
    document.updated_at, document.edited_by = timezone.now(), actor
    republish = document.status == Status.PUBLISHED
    if republish:
        document.status, document.published_at = Status.IN_REVIEW, None
        document.reviewed_by, document.checklist = None, []
    common.save(document, actor)
    if republish:
        notices.review_requested(document, "document")
    return document


@transaction.atomic
def document_submit(*, actor: User, document: Document) -> Document:
    document = _locked(document)
    common.submit(document, actor)
    notices.review_requested(document, "document")
    return document


@transaction.atomic
def document_return(*, actor: User, document: Document) -> Document:
    document = _locked(document)
    common.send_back(document, actor)
    return document


@transaction.atomic
def document_publish(*, actor: User, document: Document, checklist: Iterable[str]) -> Document:
    document = _locked(document)
    common.publish(document, actor, checklist)
    return document


@transaction.atomic
def document_archive(*, actor: User, document: Document) -> Document:
    document = _locked(document)
    common.archive(document, actor)
    return document


def document_open(*, actor: User, document: Document, request: HttpRequest | None = None) -> IO[bytes]:
    """The stored file, opened for streaming; the download is written to the access log first."""
    common.require_member(actor)
    handle = storage().open(document.stored_name, "rb")
    access_log.record_for(AccessLog.Event.DOCUMENT_DOWNLOADED, actor=actor, obj=document, request=request)
    return handle
