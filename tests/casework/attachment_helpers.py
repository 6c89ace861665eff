"""Small files and helpers for the attachment and rights tests. Every file is made here, fictional."""

from __future__ import annotations

import io
import struct

from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.choices import Role


def pdf_bytes(marker: str = "PDF-PENANDA-5521", size: int = 0) -> bytes:
    body = b"%PDF-1.4\n1 0 obj << /Title (" + marker.encode() + b") >> endobj\n"
    if size > len(body):
        body += b"%" + b"x" * (size - len(body) - 7) + b"\n%%EOF\n"
    return body


def jpeg_with_gps() -> bytes:
    """A small JPEG carrying EXIF camera and GPS tags (as a phone writes them)."""
    from PIL import Image

    image = Image.new("RGB", (64, 48), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "KameraPenanda"  # Make
    exif[0x0110] = "ModelPenanda-77"  # Model
    gps = {1: "S", 2: (7.0, 47.0, 30.0), 3: "E", 4: (110.0, 21.0, 50.0)}
    exif[0x8825] = gps
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def png_bytes() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (10, 10), (0, 90, 200)).save(out, format="PNG")
    return out.getvalue()


def executable_bytes() -> bytes:
    return b"MZ\x90\x00" + struct.pack("<I", 3) + b"\x00" * 56 + b"This program cannot be run in DOS mode."


def upload(name: str, data: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def attach(actor, case, *, name: str = "surat-rekaan.pdf", data: bytes | None = None, section: str = "notes"):
    from casework.services import attachments as service

    item = service.prepare(upload(name, data or pdf_bytes()))
    (attachment,) = service.attachment_add(actor=actor, case=case, incoming=[item], section=section)
    return attachment


def colleague(organisation, username: str):
    from tests.factories import UserFactory

    return UserFactory(username=username, organisation=organisation, role=Role.CASEWORKER)


def approved_export(requester, approver, case):
    from casework.services import rights

    approver = approver or colleague(case.owner, f"rekan-{case.owner.code.lower()}")
    request = rights.rights_request(actor=requester, case=case, kind="export")
    return rights.rights_approve(actor=approver, rights=request)
