"""Every write to casework: functions named <noun>_<verb>, keyword-only, with an explicit actor.

Each checks the actor's access, runs in one transaction, records history with the actor, writes the access log
where something sensitive is read, and leaves side effects to ``transaction.on_commit``."""

from casework.services.base import (  # noqa: F401
    CONTACT_KEYS,
    IDENTITY_KEYS,
    REVEALABLE,
    SUMMARY_FIELDS,
    CaseConflict,
    _require,
    case_touch,
)
from casework.services.cases import (  # noqa: F401
    _reindex,
    case_close,
    case_key_destroy,
    case_open,
    case_reopen,
    case_set_restriction,
    case_update,
)
from casework.services.drafts import (  # noqa: F401
    intake_draft_discard,
    intake_draft_open,
    intake_draft_rewrap,
    intake_draft_save,
    intake_drafts_purge,
)
from casework.services.duplicates import duplicate_holders_notify  # noqa: F401
from casework.services.reads import (  # noqa: F401
    case_edit_record,
    case_field_reveal,
    case_print_record,
    case_view_record,
)
from casework.services.records import consent_give, consent_withdraw, note_add, service_record_add  # noqa: F401
