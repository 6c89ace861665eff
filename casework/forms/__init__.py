"""Forms for intake and editing. They validate and show errors beside the field, in the user's language, and keep
everything typed when something is wrong."""

from casework.forms.initial import draft_initial, initial_from_case, posted_initial  # noqa: F401
from casework.forms.intake import BLANK, TEXT_LIMIT, CaseForm, regency_choices  # noqa: F401
from casework.forms.records import (  # noqa: F401
    CloseForm,
    ConsentForm,
    DuplicateCheckForm,
    NoteForm,
    RestrictionForm,
    SearchForm,
    ServiceForm,
    VersionForm,
)
