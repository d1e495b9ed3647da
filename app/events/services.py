"""Events (summit editions) and the organiser team of each."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.audit.services import record, snapshot
from app.events.models import Event, EventRole, EventRoleName
from app.events.signals import event_changed
from app.extensions import db

EVENT_FIELDS = ("slug", "title", "description", "venue", "city", "country", "timezone", "start_date",
                "end_date", "languages", "registration_opens_at", "registration_closes_at", "published",
                "primary_colour", "accent_colour", "contact_email", "privacy_notice")

def published_events() -> list[Event]:
    return list(db.session.scalars(select(Event).where(Event.published.is_(True)).order_by(Event.start_date)))


def events_for_team_member(user) -> list[Event]:
    if not getattr(user, "is_authenticated", False):
        return []
    if user.is_admin:
        return list(db.session.scalars(select(Event).order_by(Event.start_date.desc())))
    # A subquery rather than DISTINCT over a join: PostgreSQL cannot compare the
    # JSON columns of events, so SELECT DISTINCT events.* fails there.
    mine = select(EventRole.event_id).where(EventRole.user_id == user.id)
    return list(db.session.scalars(select(Event).where(Event.id.in_(mine)).order_by(Event.start_date.desc())))


def create_event(data: dict, *, actor) -> Event:
    """Create an event; audited."""
    event = Event(**{k: v for k, v in data.items() if k in EVENT_FIELDS})
    db.session.add(event)
    db.session.flush()
    record(actor=actor, action="event.create", obj=event, summary=event.title, after=snapshot(event, EVENT_FIELDS))
    return event


def update_event(event: Event, data: dict, *, actor) -> None:
    """Change the event's settings; the audit entry lists what changed."""
    before = snapshot(event, EVENT_FIELDS)
    for key, value in data.items():
        if key in EVENT_FIELDS:
            setattr(event, key, value)
    db.session.flush()
    after = snapshot(event, EVENT_FIELDS)
    record(actor=actor, action="event.update", obj=event, summary=event.title, before=before, after=after)
    if after != before:
        event_changed.send(event, before=before, after=after)


def slug_taken(slug: str, *, exclude: Event | None = None) -> bool:
    stmt = select(Event.id).where(Event.slug == slug)
    if exclude is not None:
        stmt = stmt.where(Event.id != exclude.id)
    return db.session.scalar(stmt) is not None


def team(event: Event) -> list[EventRole]:
    return list(db.session.scalars(
        select(EventRole).options(joinedload(EventRole.user)).where(EventRole.event_id == event.id)
        .order_by(EventRole.role, EventRole.id)))


def grant_role(event: Event, user, role: EventRoleName, *, actor, track_ids: list[int] | None = None) -> EventRole:
    """Give `user` an organiser role in `event` (no-op if held); audited."""
    existing = db.session.scalar(select(EventRole).where(
        EventRole.event_id == event.id, EventRole.user_id == user.id, EventRole.role == role))
    if existing is not None:
        if track_ids is not None and existing.track_ids != track_ids:
            before = {"track_ids": existing.track_ids}
            existing.track_ids = track_ids
            record(actor=actor, action="role.update", obj=existing, event=event, summary=f"{user.email}: {role.value}",
                   before=before, after={"track_ids": track_ids})
        return existing
    grant = EventRole(event=event, user=user, role=role, track_ids=track_ids or [],
                      granted_by_id=getattr(actor, "id", None))
    db.session.add(grant)
    db.session.flush()
    record(actor=actor, action="role.grant", obj=grant, event=event, summary=f"{user.email}: {role.value}",
           after={"user": user.email, "role": role.value})
    return grant


def revoke_role(grant: EventRole, *, actor) -> None:
    """Take an organiser role away; audited."""
    record(actor=actor, action="role.revoke", obj=grant, event=grant.event,
           summary=f"{grant.user.email}: {grant.role.value}",
           before={"user": grant.user.email, "role": grant.role.value})
    db.session.delete(grant)


def set_interpreter(grant: EventRole, interpreter: bool, *, actor) -> None:
    """Mark (or unmark) a team member as an interpreter; audited."""
    if grant.interpreter == interpreter:
        return
    record(actor=actor, action="role.interpreter", obj=grant, event=grant.event,
           summary=f"{grant.user.email}: {'interpreter' if interpreter else 'not interpreter'}",
           before={"interpreter": grant.interpreter}, after={"interpreter": interpreter})
    grant.interpreter = interpreter
    db.session.flush()


def interpreters(event: Event) -> list:
    """The users of the event team marked as interpreters (each once), by email."""
    grants = db.session.scalars(select(EventRole).options(joinedload(EventRole.user)).where(
        EventRole.event_id == event.id, EventRole.interpreter.is_(True)))
    people = {grant.user.id: grant.user for grant in grants}
    return sorted(people.values(), key=lambda user: user.email)
