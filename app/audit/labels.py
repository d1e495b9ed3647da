"""What each audit action is called, in the reader's language: one mapping for the
audit log, its filter and a registration's history."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

ACTION_LABELS = {
    # Registrations. The states' codes come from `transition` ("registration.<state>").
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
    "registration.travel_reminders": _l("Travel reminders sent"),
    "registration.export": _l("Registrations exported"),
    "registration.settings": _l("Registration settings changed"),
    "registration.purge_passports": _l("Passport data deleted"),
    "footprint.settings": _l("Footprint choices changed"),
    "footprint.recompute": _l("Footprint computed again"),
    "registration.invitation_other_address": _l("Invitation used for another address"),
    "category.create": _l("Category created"),
    "category.update": _l("Category changed"),
    "question.create": _l("Question added"),
    "question.update": _l("Question changed"),
    "delegation.create": _l("Delegation created"),
    "delegation.update": _l("Delegation changed"),
    "invitation.create": _l("Invitation sent"),
    "invitation.resend": _l("Invitation sent again"),
    "invitation.revoke": _l("Invitation revoked"),
    "invitation.register": _l("Invitation used to register"),
    # Badges, letters, check-in.
    "badge.reissue": _l("Badge re-issued"),
    "badge.print_bulk": _l("Badges printed"),
    "job.start": _l("Background job started"),
    "visa_letter.issue": _l("Visa-support letter issued"),
    "visa_letter.issue_all": _l("Visa-support letters issued to everyone waiting"),
    "visa_letter.regenerate": _l("Visa-support letter issued again"),
    "visa_letter.revoke": _l("Visa-support letter revoked"),
    "onsite.settings": _l("On-site settings changed"),
    "signup.confirmed": _l("Workshop place confirmed"),
    "signup.waitlisted": _l("Workshop waitlist joined"),
    "signup.cancelled": _l("Workshop sign-up cancelled"),
    "signup.promoted": _l("Workshop place given from the waitlist"),
    # Agenda and speakers.
    "agenda.publish": _l("Agenda published"),
    "agenda.room.create": _l("Room added"),
    "agenda.room.update": _l("Room changed"),
    "agenda.room.delete": _l("Room deleted"),
    "agenda.track.create": _l("Track added"),
    "agenda.track.update": _l("Track changed"),
    "agenda.track.delete": _l("Track deleted"),
    "agenda.session.create": _l("Session added"),
    "agenda.session.update": _l("Session changed"),
    "agenda.session.delete": _l("Session deleted"),
    "agenda_feed.reset": _l("Calendar address renewed"),
    "speaker.assign": _l("Speaker assigned"),
    "speaker.invite_new": _l("New speaker invited"),
    "speaker.remind": _l("Speaker reminded"),
    "speaker.remove": _l("Speaker removed from a session"),
    "speaker.invited": _l("Speaker invited"),
    "speaker.accepted": _l("Speaker accepted"),
    "speaker.declined": _l("Speaker declined"),
    "speaker.withdrawn": _l("Speaker withdrew"),
    "speaker.assignment.update": _l("Speaker's part changed"),
    "speaker.account.activate": _l("Speaker account activated"),
    "speaker.export": _l("Speakers exported"),
    "speaker.needs.update": _l("Speaker's needs changed"),
    "speaker.photo.update": _l("Speaker photo updated"),
    "speaker.profile.update": _l("Speaker profile changed"),
    "speaker.travel.update": _l("Speaker travel changed"),
    "speaker.slides.upload": _l("Slides uploaded"),
    "speaker.proposal.create": _l("Change proposed by a speaker"),
    "speaker.proposal.pending": _l("Change proposed by a speaker"),
    "speaker.proposal.approved": _l("Speaker's proposal accepted"),
    "speaker.proposal.rejected": _l("Speaker's proposal declined"),
    # Events, roles and accounts.
    "event.create": _l("Event created"),
    "event.update": _l("Event settings changed"),
    "translation.import": _l("Translations imported"),
    "translation.import_file": _l("Translation file imported"),
    "role.grant": _l("Role granted"),
    "role.update": _l("Role changed"),
    "role.revoke": _l("Role withdrawn"),
    "user.update": _l("Account changed"),
    "user.activate": _l("Account activated"),
    "user.deactivate": _l("Account deactivated"),
    "user.admin": _l("Administrator rights changed"),
}


def action_label(action: str) -> str:
    """The readable name of an audit action; an unknown code is shown as words
    ("registration.travel_reminders" -> "Registration travel reminders")."""
    label = ACTION_LABELS.get(action)
    if label is not None:
        return str(label)
    words = (action or "").replace(".", " ").replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def action_choices(actions) -> list[tuple[str, str]]:
    """(code, readable name) for a filter's options, by name."""
    return sorted(((a, action_label(a)) for a in actions), key=lambda pair: pair[1].casefold())
