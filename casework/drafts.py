"""Sealing and opening intake drafts: a data key per draft, wrapped by the master key and bound to the draft's id;
the draft's fields one JSON document under it (AES-256-GCM, associated data naming the draft). The same primitives as
a case's (casework/crypto.py), under another owner string, so a case's key never opens a draft nor the reverse."""

from __future__ import annotations

import json
from typing import Any

from casework import crypto
from casework.models import IntakeDraft

LABEL = "casework.intakedraft"  # bound into associated data; a fixed string, like casework.vault's labels


def _owner(draft: IntakeDraft) -> str:
    return f"intake-draft:{draft.pk}"


def _aad(draft: IntakeDraft) -> bytes:
    return crypto.associated_data(LABEL, "payload_enc", draft.pk)


def new_key(draft: IntakeDraft) -> None:
    wrapped = crypto.wrap_data_key(crypto.new_data_key(), _owner(draft))
    draft.wrapped_key, draft.master_key_id = wrapped, crypto.master_key_id_of(wrapped)


def rewrap(draft: IntakeDraft) -> None:
    data_key = crypto.unwrap_data_key(draft.wrapped_key, _owner(draft))
    draft.wrapped_key = crypto.wrap_data_key(data_key, _owner(draft))
    draft.master_key_id = crypto.master_key_id_of(draft.wrapped_key)


def seal(draft: IntakeDraft, fields: dict[str, list[str]]) -> None:
    data_key = crypto.unwrap_data_key(draft.wrapped_key, _owner(draft))
    text = json.dumps(fields, ensure_ascii=False, sort_keys=True)
    draft.payload_enc = crypto.encrypt(data_key, text, _aad(draft))


def open_fields(draft: IntakeDraft) -> dict[str, list[str]]:
    """Raises crypto.CryptoError when the draft does not open."""
    if not draft.payload_enc:
        return {}
    data_key = crypto.unwrap_data_key(draft.wrapped_key, _owner(draft))
    loaded: Any = json.loads(crypto.decrypt(data_key, draft.payload_enc, _aad(draft)))
    return {str(k): [str(v) for v in values] for k, values in loaded.items() if isinstance(values, list)}
