"""Case pages. Thin: parse the request, go through the gate (selectors) or a service, render."""

from casework.views.attachments import attachment_delete, attachment_download, case_attachments  # noqa: F401
from casework.views.changes import case_close, case_edit, case_reopen, case_restriction  # noqa: F401
from casework.views.intake import (  # noqa: F401
    case_create,
    duplicate_check,
    intake_draft_discard,
    intake_draft_save,
    intake_rescue,
    regency_options,
)
from casework.views.lists import (  # noqa: F401
    MAX_SAVED_SEARCHES,
    SEARCH_SESSION_KEY,
    _case_list,
    case_export,
    case_list,
    case_search,
    caseworker_only,
)
from casework.views.pages import (  # noqa: F401
    _case_page,
    case_access,
    case_access_admin,
    case_detail,
    case_history_view,
    case_identity,
    case_reveal,
)
from casework.views.printing import case_print  # noqa: F401
from casework.views.records import case_consents, case_notes, case_services, consent_withdraw  # noqa: F401
from casework.views.rights import (  # noqa: F401
    case_rights,
    export_page,
    export_zip,
    retention_list,
    rights_approve,
    rights_reject,
    rights_request,
)
