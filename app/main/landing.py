"""Where a person lands after logging in: where they work.

A platform admin goes to the admin area. Anyone else goes to their event (the one
under way or coming next, else the latest one), in the part they work in there:
organisers to the event's organiser area (check-in staff straight to the desk),
speakers to the speaker portal, delegates to their registration. People with no
event go to the home page.

This sits above the domains it asks (events, registration, speakers) and only
reads them, through the policy and their services. The login page (accounts, below
them) asks for it through `app.accounts.landing`, where app/main/wiring.py registers it.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import or_, select

from app.accounts.landing import Landing
from app.events.models import Event, EventRole, EventRoleName
from app.extensions import db
from app.policy import can, has_any_role, roles_of
from app.registration.models import Registration, RegistrationState
from app.registration.services import live_registration
from app.speakers.models import SpeakerAssignment
from app.utils.time import utcnow


def _events_of(user) -> list:
    """The events `user` has a part in (a role, a live registration, a speaker assignment)."""
    roles = select(EventRole.event_id).where(EventRole.user_id == user.id)
    registrations = select(Registration.event_id).where(Registration.user_id == user.id,
                                                        Registration.state != RegistrationState.cancelled)
    assignments = select(SpeakerAssignment.event_id).where(SpeakerAssignment.user_id == user.id)
    return list(db.session.scalars(select(Event).where(
        or_(Event.id.in_(roles), Event.id.in_(registrations), Event.id.in_(assignments)))))


def current_event_of(user, *, today: date | None = None):
    """The event of `user` under way or coming next; else the one that ended last.
    Unpublished events count only for their team."""
    today = today or utcnow().date()
    events = [e for e in _events_of(user) if e.published or has_any_role(user, e)]
    coming = [e for e in events if e.end_date >= today]
    if coming:
        return min(coming, key=lambda e: (e.start_date, e.id))
    return max(events, key=lambda e: (e.end_date, e.id), default=None)


def landing_for(user, *, today: date | None = None) -> Landing:
    """Where `user` works (see the module's docstring)."""
    if user.is_admin:
        return Landing("admin.users")
    event = current_event_of(user, today=today)
    if event is None:
        return Landing("main.index")
    slug = {"slug": event.slug}
    roles = roles_of(user, event)
    if roles == {EventRoleName.checkin}:
        return Landing("checkin.desk", slug)
    if roles:
        return Landing("organiser.dashboard", slug)
    if can(user, "speaker.portal", event):
        return Landing("speakers.portal", slug)
    if live_registration(event, user) is not None:
        return Landing("registration.my_registration", slug)
    return Landing("events.home", slug)
