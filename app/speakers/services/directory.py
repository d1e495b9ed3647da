"""Reading the speakers out: the public directory of confirmed speakers and the
organisers' export."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.accounts.models import User
from app.agenda import services as agenda_services
from app.agenda.cache import public_state
from app.audit.services import record
from app.events.models import Event
from app.extensions import db
from app.registration.models import Registration, RegistrationState
from app.speakers.models import AssignmentState, SlideFile, SpeakerAssignment, SpeakerProfile
from app.speakers.services.assignments import all_assignments
from app.speakers.services.profiles import profiles_by_user
from app.utils.countries import country_name
from app.utils.tabular import Table, build_table, reader_locale
from app.utils.time import to_zone


# --- Public directory ----------------------------------------------------------------

@dataclass
class DirectoryEntry:
    user: User
    profile: SpeakerProfile | None
    sessions: list = field(default_factory=list)  # PublicSession, with the speaker's role label
    roles: dict = field(default_factory=dict)      # session id -> role label

    @property
    def sort_key(self):
        return ((self.user.family_name or self.user.email).casefold(), (self.user.given_name or "").casefold(),
                self.user.id)


def listed_entry(event: Event, user_id: int, viewer, *, categories=False,
                 publication_id: int | None = None) -> DirectoryEntry | None:
    """The directory entry of `user_id` if they are a confirmed speaker of the published
    agenda as `viewer` (a user, or anonymous) sees it, with those sessions; else None.

    Reads only this speaker's sessions out of the snapshot (a fixed number of queries).
    `categories` and `publication_id`, when the caller already knows them, are the
    viewer's (see `viewer_categories`) and the current publication's."""
    if publication_id is None:
        state = public_state(event.slug)
        publication_id = state.publication_id if state is not None else None
    if publication_id is None:
        return None
    session_ids = db.session.scalars(select(SpeakerAssignment.session_id).where(
        SpeakerAssignment.event_id == event.id, SpeakerAssignment.user_id == user_id,
        SpeakerAssignment.state == AssignmentState.accepted)).all()
    if not session_ids:
        return None
    if categories is False:
        categories = agenda_services.viewer_categories(viewer, event)
    publication = db.session.get(agenda_services.Publication, publication_id)
    sessions = agenda_services.public_sessions(publication, session_ids, categories=categories)
    roles = {s.id: p.role_label for s in sessions for p in s.speakers if p.id == user_id}
    sessions = [s for s in sessions if s.id in roles]
    if not sessions:
        return None
    row = db.session.execute(
        select(User, SpeakerProfile).outerjoin(SpeakerProfile, (SpeakerProfile.user_id == User.id)
                                               & (SpeakerProfile.event_id == event.id))
        .where(User.id == user_id)).first()
    if row is None:
        return None
    return DirectoryEntry(user=row[0], profile=row[1], sessions=sessions, roles=roles)


def directory_entries(event: Event, publication, categories) -> list[DirectoryEntry]:
    """The public directory: confirmed speakers of the sessions of `publication` a reader of
    `categories` may see, by family name, with accounts and profiles (without their
    sessions); two queries whatever the number of sessions and speakers."""
    session_ids = agenda_services.visible_session_ids(publication, categories=categories)
    if not session_ids:
        return []
    speaker_ids = select(SpeakerAssignment.user_id).where(
        SpeakerAssignment.event_id == event.id, SpeakerAssignment.session_id.in_(session_ids),
        SpeakerAssignment.state == AssignmentState.accepted)
    rows = db.session.execute(
        select(User, SpeakerProfile).outerjoin(SpeakerProfile, (SpeakerProfile.user_id == User.id)
                                               & (SpeakerProfile.event_id == event.id))
        .where(User.id.in_(speaker_ids)))
    entries = [DirectoryEntry(user=user, profile=profile) for user, profile in rows]
    entries.sort(key=lambda e: e.sort_key)
    return entries


# --- Export --------------------------------------------------------------------------

# Column titles of the export, in the reader's language; the same words as the
# organisers' speaker pages where there are some.
EXPORT_COLUMNS = {
    "speaker": _l("Speaker"),
    "email": _l("Email"),
    "organisation": _l("Organisation"),
    "position": _l("Position"),
    "country": _l("Country code"),
    "country_name": _l("Country"),
    "session": _l("Session"),
    "starts": _l("Starts (event time)"),
    "ends": _l("Ends (event time)"),
    "room": _l("Room"),
    "role": _l("Role"),
    "state": _l("State"),
    "decline_reason": _l("Reason for declining"),
    "invited_at": _l("Invitation sent (event time)"),
    "answered_at": _l("Answered (event time)"),
    "av_needs": _l("Audio-visual needs"),
    "interpretation_needs": _l("Interpretation needs"),
    "slides_versions": _l("Slide versions"),
    "available_from": _l("Available from"),
    "available_until": _l("Available until"),
    "arrival_date": _l("Arrival date"),
    "departure_date": _l("Departure date"),
    "visa_letter_requested": _l("Visa support letter"),
    "visa_data_from_registration": _l("Passport details in the delegate registration"),
    "travel_notes": _l("Other travel needs"),
}


def export_table(event: Event) -> Table:
    """One row per assignment for CSV/XLSX: titles, roles and answers in the
    reader's language, country names next to the codes, times in the event's zone;
    a fixed number of queries."""
    assignments = all_assignments(event)
    profiles = profiles_by_user(event, [a.user_id for a in assignments])
    slide_counts = dict(db.session.execute(
        select(SlideFile.assignment_id, func.count(SlideFile.id)).where(SlideFile.event_id == event.id)
        .group_by(SlideFile.assignment_id)).all())
    visa = _registration_visa_flags(event, [a.user_id for a in assignments])
    locale = reader_locale()
    rows = []
    for a in assignments:
        p = profiles.get(a.user_id)
        s = a.session
        rows.append([a.user.formal_name, a.user.email, a.user.organisation, a.user.position, a.user.country,
                     country_name(a.user.country, locale), s.title, s.starts_at, s.ends_at,
                     s.room.name if s.room else "", a.role_label, a.state_label, a.decline_reason, a.invited_at, a.answered_at, a.av_needs, a.interpretation_needs,
                     slide_counts.get(a.id, 0), p.available_from if p else None, p.available_until if p else None,
                     p.arrival_date if p else None, p.departure_date if p else None,
                     bool(p and p.visa_letter_requested), visa.get(a.user_id, False),
                     p.travel_notes if p else ""])
    return build_table(list(EXPORT_COLUMNS.items()), rows, zone=event.timezone)


def _registration_visa_flags(event: Event, user_ids: list[int]) -> dict[int, bool]:
    ids = list(set(user_ids))
    if not ids:
        return {}
    rows = db.session.execute(select(Registration.user_id, Registration.passport_number,
                                     Registration.visa_letter_needed)
                              .where(Registration.event_id == event.id, Registration.user_id.in_(ids),
                                     Registration.state != RegistrationState.cancelled))
    return {uid: bool(passport or needed) for uid, passport, needed in rows}


def record_export(event: Event, fmt: str, count: int, *, actor) -> None:
    """Exports carry personal data: who took which one is audited."""
    record(actor=actor, action="speaker.export", obj=event, event=event, summary=f"{fmt}: {count} rows")


def local_day(value: datetime, event: Event) -> date:
    return to_zone(value, event.timezone).date()
