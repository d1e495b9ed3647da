"""Human names for event roles, in the reader's language."""
from flask_babel import lazy_gettext as _l

from app.events.models import EventRoleName as R

ROLE_LABELS = {
    R.secretariat: _l("Secretariat lead"),
    R.programme: _l("Programme manager"),
    R.accreditation: _l("Accreditation officer"),
    R.protocol: _l("Protocol officer"),
    R.checkin: _l("Check-in staff"),
    R.viewer: _l("Viewer (dashboards only)"),
}

ROLE_HELP = {
    R.secretariat: _l("Everything in this event, including the team and the audit log."),
    R.programme: _l("Agenda, rooms, tracks and speakers."),
    R.accreditation: _l("Registrations, invitations, delegations, badges and visa letters."),
    R.protocol: _l("Delegations in protocol order; reads registrations."),
    R.checkin: _l("The check-in desk only."),
    R.viewer: _l("Read-only dashboards."),
}
