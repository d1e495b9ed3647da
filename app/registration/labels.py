"""Human names for registration states, in the reader's language."""
from flask_babel import lazy_gettext as _l, lazy_pgettext

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

# What an audit entry about a registration records, as its history on the organisers'
# detail page says it. The states' codes come from `transition` ("registration.<state>").
HISTORY_LABELS = {
    "registration.create": _l("Registration created"),
    "registration.update": _l("Details changed"),
    "registration.submitted": _l("Submitted for review"),
    "registration.approved": _l("Registration approved"),
    "registration.rejected": _l("Registration rejected"),
    "registration.waitlisted": _l("Moved to the waitlist"),
    "registration.cancelled": _l("Registration cancelled"),
    "registration.offer": _l("Place offered from the waitlist"),
    "registration.note": _l("Note added"),
    "registration.photo": _l("Badge photo updated"),
    "registration.hold": _l("Place held for the delegation"),
    "registration.substitute": _l("Delegate substituted"),
    "registration.rank": _l("Protocol rank changed"),
    "registration.travel": _l("Travel details updated"),
    "badge.reissue": _l("Badge re-issued"),
}


def history_label(action: str) -> str:
    """The readable name of an audit action; an unknown code is shown as words
    ("registration.travel_reminders" -> "Registration travel reminders")."""
    label = HISTORY_LABELS.get(action)
    if label is not None:
        return str(label)
    words = action.replace(".", " ").replace("_", " ").strip()
    return words[:1].upper() + words[1:]
