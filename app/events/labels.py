"""Human names for event roles, in the reader's language."""
from flask_babel import lazy_gettext as _l

from app.events.models import EventRoleName

ROLE_LABELS = {
    EventRoleName.secretariat: _l("Secretariat lead"),
    EventRoleName.programme: _l("Programme manager"),
    EventRoleName.accreditation: _l("Accreditation officer"),
    EventRoleName.protocol: _l("Protocol officer"),
    EventRoleName.checkin: _l("Check-in staff"),
    EventRoleName.viewer: _l("Viewer (dashboards only)"),
}

ROLE_HELP = {
    EventRoleName.secretariat: _l("Everything in this event, including the team and the audit log."),
    EventRoleName.programme: _l("Agenda, rooms, tracks and speakers."),
    EventRoleName.accreditation: _l("Registrations, invitations, delegations, badges and visa letters."),
    EventRoleName.protocol: _l("Delegations in protocol order; reads registrations."),
    EventRoleName.checkin: _l("The check-in desk only."),
    EventRoleName.viewer: _l("Read-only dashboards."),
}
