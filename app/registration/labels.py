"""Human names for registration states, in the reader's language."""
from flask_babel import lazy_gettext as _l, lazy_pgettext

from app.audit.labels import action_label
from app.registration.models import RegistrationState

STATE_LABELS = {
    RegistrationState.draft: _l("Draft: waiting for your email confirmation"),
    RegistrationState.submitted: _l("Submitted: waiting for review"),
    RegistrationState.approved: _l("Approved"),
    RegistrationState.rejected: _l("Not accepted"),
    RegistrationState.waitlisted: _l("On the waitlist"),
    RegistrationState.cancelled: _l("Cancelled"),
}

SHORT_LABELS = {
    RegistrationState.draft: _l("Draft"),
    RegistrationState.submitted: _l("Submitted"),
    RegistrationState.approved: _l("Approved"),
    RegistrationState.rejected: _l("Rejected"),
    RegistrationState.waitlisted: _l("Waitlisted"),
    RegistrationState.cancelled: _l("Cancelled"),
}

# The state as a word inside a sentence ("a registration that is approved ...").
STATE_WORDS = {
    RegistrationState.draft: lazy_pgettext("registration state", "draft"),
    RegistrationState.submitted: lazy_pgettext("registration state", "submitted"),
    RegistrationState.approved: lazy_pgettext("registration state", "approved"),
    RegistrationState.rejected: lazy_pgettext("registration state", "rejected"),
    RegistrationState.waitlisted: lazy_pgettext("registration state", "waitlisted"),
    RegistrationState.cancelled: lazy_pgettext("registration state", "cancelled"),
}

STATE_BADGES = {
    RegistrationState.draft: "text-bg-light",
    RegistrationState.submitted: "text-bg-info",
    RegistrationState.approved: "text-bg-success",
    RegistrationState.rejected: "text-bg-danger",
    RegistrationState.waitlisted: "text-bg-warning",
    RegistrationState.cancelled: "text-bg-secondary",
}

# A registration's history on the organisers' detail page names its audit entries
# as the audit log does: one mapping, in app/audit/labels.py.
history_label = action_label
