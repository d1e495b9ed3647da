"""The organiser navigation: each entry names the action that shows it.

Domains add their pages here; the menu shows only what the user may do.
"""
from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l

from app.policy import can

NAV = [
    ("organiser.dashboard", "dashboard.view", _l("Dashboard")),
    ("registration.manage_list", "registration.view", _l("Registrations")),
    ("registration.manage_invitations", "invitation.manage", _l("Invitations")),
    ("registration.manage_delegations", "delegation.view", _l("Delegations")),
    ("registration.manage_categories", "registration.configure", _l("Categories and questions")),
    # The timetable is open to whoever may read the draft (viewers too), not only to editors.
    ("agenda.manage_timetable", "agenda.view_draft", _l("Agenda")),
    ("speakers.manage_list", "speaker.manage", _l("Speakers")),
    ("checkin.desk", "checkin.operate", _l("Check-in")),
    # Accreditation prints badges and issues letters without working the desk.
    ("checkin.manage_badges", "badge.print_bulk", _l("Badges")),
    ("checkin.manage_letters", "visa_letter.manage", _l("Visa-support letters")),
    ("footprint.report", "footprint.view", _l("Travel footprint")),
    ("bilaterals.manage_list", "bilateral.read", _l("Bilaterals")),
    ("organiser.team", "team.manage", _l("Team")),
    ("api.service_tokens", "team.manage", _l("Service tokens")),
    ("api.webhooks", "team.manage", _l("Webhooks")),
    ("organiser.translations", "translation.manage", _l("Translations")),
    ("organiser.settings", "event.edit", _l("Settings")),
    ("organiser.audit", "audit.view", _l("Audit log")),
]


def nav_for(user, event) -> list[tuple[str, str, str]]:
    """(endpoint, url, label) of the organiser pages `user` may open in `event`."""
    items = []
    for endpoint, action, label in NAV:
        if can(user, action, event):
            items.append((endpoint, url_for(endpoint, slug=event.slug), str(label)))
    return items
