"""What the document library accepts, told by content (core.filetypes): PDF, DOCX, ODT, XLSX, PNG and JPEG, at most
``settings.JEJARING_DOCUMENT_MAX_BYTES``. Programs, Office files with macros and zip bombs are refused by
core.filetypes whatever the library accepts; photos lose their metadata there too (Pillow re-encoding)."""

from __future__ import annotations

from typing import IO, Any

from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from core.filetypes import DOCX, JPEG, ODT, PDF, PNG, XLSX, Kind, Refused, strip_metadata
from core.filetypes import sniff as sniff_kind

__all__ = [
    "DOCX",
    "JPEG",
    "KINDS",
    "ODT",
    "PDF",
    "PNG",
    "XLSX",
    "Kind",
    "Refused",
    "size_of",
    "sniff",
    "strip_metadata",
]

KINDS = {kind.code: kind for kind in (PDF, PNG, JPEG, DOCX, XLSX, ODT)}


def size_of(upload: Any) -> int:
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, 2)
        size = upload.tell()
    return int(size)


def _not_accepted() -> str:
    return _("This file is not a PDF, DOCX, ODT, XLSX, PNG or JPEG document (its content was checked, not its name).")


def sniff(upload: IO[bytes] | Any, *, max_bytes: int) -> Kind:
    size = size_of(upload)
    if size == 0:
        raise Refused(_("The file is empty."))
    if size > max_bytes:
        raise Refused(
            _("The file is %(size)s; the limit is %(limit)s.")
            % {"size": filesizeformat(size), "limit": filesizeformat(max_bytes)}
        )
    return sniff_kind(upload, allowed=KINDS.values(), not_accepted=_not_accepted())
