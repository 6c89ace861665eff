"""Reading and writing a case's encrypted values.

A ``Vault`` opens one case's data key once and seals or opens values bound to (model, field, row id). History rows
keep the original row id, so ``Vault.open`` decrypts them with the same call. There is no way to get ciphertext back
as text: a failure raises ``CryptoError``.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from django.db import connection
from django.utils import timezone

from casework import crypto
from casework.models import Case, CaseKey
from core import sql

# The labels bound into associated data. Fixed strings, so that renaming a Python class never orphans ciphertext.
CASE = "casework.case"
NOTE = "casework.casenote"
SERVICE = "casework.servicerecord"
ATTACHMENT = "casework.attachment"
RIGHTS = "casework.rightsrequest"


class Vault:
    def __init__(self, case_id: uuid.UUID, wrapped: str | None = None) -> None:
        self.case_id = case_id
        self._wrapped = wrapped
        self._key: bytes | None = None

    @classmethod
    def for_case(cls, case: Case) -> Vault:
        """The case's vault; with the wrapped key already read with the case (fetch.case_with_people), if it was."""
        return cls(case.pk, getattr(case, "wrapped_key", None))

    @classmethod
    def new(cls, case_id: uuid.UUID) -> Vault:
        """A fresh data key for a case not saved yet (its UUID exists before the first save). Call ``persist``
        once the case row exists."""
        data_key = crypto.new_data_key()
        vault = cls(case_id, crypto.wrap_data_key(data_key, str(case_id)))
        vault._key = data_key
        return vault

    def persist(self, case: Case) -> None:
        """Store the wrapped data key of a new case."""
        self.key_row(case).save(force_insert=True)

    def key_row(self, case: Case) -> CaseKey:
        """The wrapped data key of a new case, as its row (not saved)."""
        assert self._wrapped
        return CaseKey(case=case, wrapped=self._wrapped, master_key_id=crypto.master_key_id_of(self._wrapped))

    def key(self) -> bytes:
        if self._key is None:
            if self._wrapped is None:
                # Written out: the ORM's query took longer to build than to run, on every page that opens a case.
                found = sql.rows(
                    f"SELECT wrapped FROM {sql.table(CaseKey)} WHERE case_id = %s",  # noqa: S608 (names only)
                    [CaseKey._meta.get_field("case").get_db_prep_value(self.case_id, connection)],
                )
                if not found:
                    raise crypto.KeyDestroyed("this case has no data key")
                self._wrapped = found[0][0]
            self._key = crypto.unwrap_data_key(self._wrapped, str(self.case_id))
        return self._key

    def seal(self, label: str, field: str, row_id: object, plaintext: str) -> str:
        if plaintext == "":
            return ""
        return crypto.encrypt(self.key(), plaintext, crypto.associated_data(label, field, row_id))

    def open(self, label: str, field: str, row_id: object, ciphertext: str) -> str:
        if ciphertext == "":
            return ""
        return crypto.decrypt(self.key(), ciphertext, crypto.associated_data(label, field, row_id))

    def seal_json(self, label: str, field: str, row_id: object, value: dict[str, Any]) -> str:
        cleaned = {k: v for k, v in value.items() if v not in ("", None, [], ())}
        return (
            self.seal(label, field, row_id, json.dumps(cleaned, ensure_ascii=False, sort_keys=True)) if cleaned else ""
        )

    def open_json(self, label: str, field: str, row_id: object, ciphertext: str) -> dict[str, Any]:
        text = self.open(label, field, row_id, ciphertext)
        return json.loads(text) if text else {}


def destroy_case_key(case: Case) -> None:
    """The erasure primitive: without its data key, a case's identity, contact details, narrative, needs, notes and
    service outcomes are unreadable in the live rows and in every history row at once. Non-identifying fields are
    untouched. A backup taken before this moment still holds the wrapped key: it becomes unreadable once the master
    key that wrapped it is retired (rotate_master_key, then remove the old key from JEJARING_MASTER_KEYS)."""
    CaseKey.objects.filter(case=case).update(wrapped="", master_key_id="", destroyed_at=timezone.now())
    case.__dict__.pop("wrapped_key", None)  # the copy read with the case goes with it
