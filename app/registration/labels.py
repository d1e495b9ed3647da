"""Human names for registration states, in the reader's language."""
from flask_babel import lazy_gettext as _l, lazy_pgettext

from app.audit.labels import action_label
from app.registration.models import RegistrationState as S

STATE_LABELS = {
    S.draft: _l("Draft: waiting for your email confirmation"),
    S.submitted: _l("Submitted: waiting for review"),
    S.approved: _l("Approved"),
    S.rejected: _l("Not accepted"),
    S.waitlisted: _l("On the waitlist"),
    S.cancelled: _l("Cancelled"),
}

SHORT_LABELS = {
    S.draft: _l("Draft"),
    S.submitted: _l("Submitted"),
    S.approved: _l("Approved"),
    S.rejected: _l("Rejected"),
    S.waitlisted: _l("Waitlisted"),
    S.cancelled: _l("Cancelled"),
}

# The state as a word inside a sentence ("a registration that is approved ...").
STATE_WORDS = {
    S.draft: lazy_pgettext("registration state", "draft"),
    S.submitted: lazy_pgettext("registration state", "submitted"),
    S.approved: lazy_pgettext("registration state", "approved"),
    S.rejected: lazy_pgettext("registration state", "rejected"),
    S.waitlisted: lazy_pgettext("registration state", "waitlisted"),
    S.cancelled: lazy_pgettext("registration state", "cancelled"),
}

STATE_BADGES = {
    S.draft: "text-bg-light",
    S.submitted: "text-bg-info",
    S.approved: "text-bg-success",
    S.rejected: "text-bg-danger",
    S.waitlisted: "text-bg-warning",
    S.cancelled: "text-bg-secondary",
}

# A registration's history on the organisers' detail page names its audit entries
# as the audit log does: one mapping, in app/audit/labels.py.
history_label = action_label
