"""Attaching documents to a case, downloading and deleting them. Each is encrypted under the case's data key; each
upload, download and deletion is in the access log (reference and attachment id only, never a name)."""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import IO, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import update_change_reason

from accounts.models import User
from audit import access_log
from audit.models import AccessLog
from casework import attachments as files
from casework.models import ATTACHMENT_SECTIONS, Attachment, Case
from casework.services.base import _require, case_touch
from casework.vault import ATTACHMENT, Vault
from core.history import with_actor


@dataclass
class Incoming:
    """One file to attach, already checked (``casework.forms.attachments``): its bytes, what it is, its name."""

    name: str
    content: IO[bytes]
    size: int
    content_type: str


def prepare(upload: Any) -> Incoming:
    """Check one uploaded file and, for a photo, strip its metadata. Raises files.Refused with the reason."""
    size = int(upload.size or 0)
    if size == 0:
        raise files.Refused(_("This file is empty."))
    if size > files.max_bytes():
        raise files.Refused(
            _("This file is larger than %(mb)s MB. Attach a smaller file or split it.")
            % {"mb": files.max_bytes() >> 20}
        )
    content = upload.file if hasattr(upload, "file") else upload
    kind = files.detect(content)
    name = str(getattr(upload, "name", "") or "lampiran")
    if kind.image:
        content, kind = files.scrub_image(content, kind)
        content.seek(0, os.SEEK_END)
        size = content.tell()
        content.seek(0)
    return Incoming(
        name=files.safe_filename(name, kind.content_type), content=content, size=size, content_type=kind.content_type
    )


def attachment_add(
    *,
    actor: User,
    case: Case,
    incoming: Sequence[Incoming],
    section: str,
    description: str = "",
    request: Any = None,
) -> list[Attachment]:
    """Encrypt and store each file, then record them all in one transaction. If storing one fails, the objects
    already written are removed and nothing is recorded."""
    _require(actor, case, "change")
    if case.erased_at is not None:
        raise ValidationError(_("This case was erased; nothing can be attached to it."))
    if section not in [s.value for s in ATTACHMENT_SECTIONS]:
        raise ValidationError({"section": _("Choose the part of the case this document belongs to.")})
    if not incoming:
        raise ValidationError({"uploads": _("Choose at least one file.")})
    vault = Vault.for_case(case)
    key = vault.key()
    stored: list[Attachment] = []
    try:
        for item in incoming:
            attachment = Attachment(case=case, section=section, uploaded_by=actor, content_type=item.content_type)
            sealed = files.encrypt_to_storage(key, attachment.pk, item.content, item.size)
            attachment.storage_name = sealed.storage_name
            attachment.chunk_count = sealed.chunk_count
            attachment.size = sealed.size
            attachment.name_enc = vault.seal(ATTACHMENT, "name_enc", attachment.pk, item.name)
            attachment.description_enc = vault.seal(ATTACHMENT, "description_enc", attachment.pk, description)
            stored.append(attachment)
        with transaction.atomic():
            for attachment in stored:
                with_actor(attachment, actor)
                attachment.save(force_insert=True)
                access_log.record_for(
                    AccessLog.Event.ATTACHMENT_UPLOADED,
                    actor=actor,
                    obj=case,
                    request=request,
                    detail=f"attachment={attachment.pk}",
                )
            case_touch(case)
    except BaseException:
        for attachment in stored:
            files.storage().delete(attachment.storage_name)
        raise
    return stored


@transaction.atomic
def attachment_delete(*, actor: User, attachment: Attachment, request: Any = None) -> Attachment:
    """Delete an attachment: its encrypted object is removed from storage once the transaction commits; the row
    stays, marked deleted, and its history says "deleted"."""
    attachment = Attachment.objects.select_for_update(of=("self",)).select_related("case").get(pk=attachment.pk)
    _require(actor, attachment.case, "change")
    if attachment.deleted_at is not None:
        raise ValidationError(_("This attachment was already deleted."))
    attachment.deleted_at = timezone.now()
    with_actor(attachment, actor)
    attachment.save()
    update_change_reason(attachment, "deleted")
    access_log.record_for(
        AccessLog.Event.ATTACHMENT_DELETED,
        actor=actor,
        obj=attachment.case,
        request=request,
        detail=f"attachment={attachment.pk}",
    )
    name = attachment.storage_name
    transaction.on_commit(lambda: files.storage().delete(name))
    return attachment


def attachment_name(attachment: Attachment, vault: Vault | None = None) -> str:
    vault = vault or Vault(attachment.case_id)
    return vault.open(ATTACHMENT, "name_enc", attachment.pk, attachment.name_enc)


def attachment_download(*, actor: User, attachment: Attachment, request: Any = None) -> tuple[str, Iterator[bytes]]:
    """The decrypted name and the plaintext stream of an attachment the actor may see (by its section); logged."""
    case = attachment.case
    _require(actor, case, f"view_{attachment.section}")
    if attachment.deleted_at is not None:
        raise PermissionDenied
    vault = Vault.for_case(case)
    name = attachment_name(attachment, vault)
    stream = files.decrypt_chunks(vault.key(), attachment.pk, attachment.storage_name, attachment.chunk_count)
    access_log.record_for(
        AccessLog.Event.ATTACHMENT_DOWNLOADED,
        actor=actor,
        obj=case,
        request=request,
        detail=f"attachment={attachment.pk}",
    )
    return name, stream
