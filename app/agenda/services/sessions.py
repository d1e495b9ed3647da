"""Sessions of the draft agenda: times, rooms, double bookings.

Every function takes model objects and an explicit `actor`, flushes but never
commits, and writes an audit entry for each change.
"""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.agenda.models import AgendaSession, Room
from app.agenda.services.errors import AgendaError
from app.agenda.services.markdown import markdown_problem
from app.audit.services import audited_update, record, snapshot
from app.events.models import Event
from app.extensions import db
from app.registration.models import Category
from app.utils.time import as_utc, to_zone

MIN_SESSION = timedelta(minutes=5)
MAX_SESSION = timedelta(hours=12)
SDG_NUMBERS = tuple(range(1, 18))

SESSION_FIELDS = ("title", "type", "track_id", "room_id", "sdgs", "starts_at", "ends_at", "abstract", "languages",
                  "capacity", "signup_required", "visibility", "category_ids")


def sessions_of(event: Event) -> list[AgendaSession]:
    """Every draft session of `event` with room and track loaded, in time order."""
    return list(db.session.scalars(
        select(AgendaSession).options(joinedload(AgendaSession.room), joinedload(AgendaSession.track))
        .where(AgendaSession.event_id == event.id).order_by(AgendaSession.starts_at, AgendaSession.room_id,
                                                            AgendaSession.id)))


def registration_categories(event: Event) -> list[Category]:
    """The event's registration categories a restricted session may name, closed ones too
    (a session may still name one, and saving it must not drop it unseen)."""
    return list(db.session.scalars(select(Category).where(Category.event_id == event.id)
                                   .order_by(Category.position, Category.id)))


def _fmt_local(value: datetime, event: Event, fmt: str = "%H:%M") -> str:
    return to_zone(value, event.timezone).strftime(fmt)


def check_times(starts_at: datetime | None, ends_at: datetime | None) -> None:
    """Refuse missing, reversed, empty or overlong time ranges (AgendaError)."""
    if starts_at is None:
        raise AgendaError(_("Enter when the session starts."), "starts_at")
    if ends_at is None:
        raise AgendaError(_("Enter when the session ends."), "ends_at")
    if starts_at.tzinfo is None or ends_at.tzinfo is None:
        raise ValueError("session times must be timezone-aware")
    if ends_at <= starts_at:
        raise AgendaError(_("The session must end after it starts."), "ends_at")
    if ends_at - starts_at < MIN_SESSION:
        raise AgendaError(_("A session lasts at least 5 minutes."), "ends_at")
    if ends_at - starts_at > MAX_SESSION:
        raise AgendaError(_("A session may last at most 12 hours."), "ends_at")


def room_clash(event: Event, room: Room, starts_at: datetime, ends_at: datetime,
               exclude_id: int | None = None) -> AgendaSession | None:
    """The session already holding `room` at some moment of [starts_at, ends_at), if any."""
    stmt = (select(AgendaSession).where(AgendaSession.event_id == event.id, AgendaSession.room_id == room.id,
                                        AgendaSession.starts_at < ends_at, AgendaSession.ends_at > starts_at)
            .order_by(AgendaSession.starts_at).limit(1))
    if exclude_id is not None:
        stmt = stmt.where(AgendaSession.id != exclude_id)
    return db.session.scalar(stmt)


def _refuse_double_booking(event: Event, room: Room, starts_at: datetime, ends_at: datetime,
                           exclude_id: int | None) -> None:
    other = room_clash(event, room, starts_at, ends_at, exclude_id)
    if other is not None:
        raise AgendaError(
            _("%(room)s is already booked from %(start)s to %(end)s by “%(title)s”.", room=room.name,
              start=_fmt_local(other.starts_at, event), end=_fmt_local(other.ends_at, event), title=other.title),
            "room_id")


def _check_session(event: Event, data: dict, exclude_id: int | None = None) -> None:
    room, track = data.get("room"), data.get("track")
    if room is None or room.event_id != event.id:
        raise AgendaError(_("Choose a room of this event."), "room_id")
    if track is not None and track.event_id != event.id:
        raise AgendaError(_("Choose a track of this event."), "track_id")
    check_times(data.get("starts_at"), data.get("ends_at"))
    if data.get("capacity") is not None and data["capacity"] < 0:
        raise AgendaError(_("The capacity cannot be negative."), "capacity")
    problem = markdown_problem(data.get("abstract") or "")
    if problem:
        raise AgendaError(problem, "abstract")
    sdgs = data.get("sdgs") or []
    if any(n not in SDG_NUMBERS for n in sdgs):
        raise AgendaError(_("SDGs are numbered 1 to 17."), "sdgs")
    _refuse_double_booking(event, room, data["starts_at"], data["ends_at"], exclude_id)


def _place_in(session: AgendaSession, data: dict) -> dict:
    """Attach the room and track objects of `data` to `session`; the column values of
    `data` are returned (`room_id` and `track_id` follow the objects)."""
    values = {k: v for k, v in data.items() if k in SESSION_FIELDS and k not in ("room_id", "track_id")}
    if "room" in data:
        session.room = data["room"]
        values["room_id"] = data["room"].id
    if "track" in data:
        session.track = data["track"]
        values["track_id"] = data["track"].id if data["track"] is not None else None
    return values


def _session_snapshot(session: AgendaSession) -> dict:
    return snapshot(session, SESSION_FIELDS)


def create_session(event: Event, data: dict, *, actor) -> AgendaSession:
    """Add a session to the draft agenda; audited.

    `data` holds `room` and `track` as objects, times as aware datetimes.
    Raises AgendaError for bad times, a foreign room or track, a script in the
    abstract, or a room already booked at that time.
    """
    _check_session(event, data)
    session = AgendaSession(event=event, uid=str(uuid.uuid4()))
    for key, value in _place_in(session, data).items():
        setattr(session, key, value)
    db.session.add(session)
    db.session.flush()
    record(actor=actor, action="agenda.session.create", obj=session, event=event, summary=session.title,
           after=_session_snapshot(session))
    return session


def update_session(session: AgendaSession, data: dict, *, actor) -> None:
    """Change a session of the draft; audited; SEQUENCE goes up when it moves.

    Keys absent from `data` keep their value. Same refusals as create_session.
    """
    event = session.event
    merged = {"room": session.room, "track": session.track, "starts_at": session.starts_at,
              "ends_at": session.ends_at, "abstract": session.abstract, "sdgs": session.sdgs,
              "capacity": session.capacity}
    merged.update(data)
    _check_session(event, merged, exclude_id=session.id)
    old_place = (session.room_id, as_utc(session.starts_at), as_utc(session.ends_at))
    audited_update(session, _place_in(session, data), SESSION_FIELDS, actor=actor, action="agenda.session.update",
                   event=event, summary=data.get("title", session.title))
    if (session.room_id, as_utc(session.starts_at), as_utc(session.ends_at)) != old_place:
        session.sequence = (session.sequence or 0) + 1
        db.session.flush()


def move_session(session: AgendaSession, *, room: Room, starts_at: datetime, ends_at: datetime, actor) -> None:
    """Place a session in another room and/or time (the timetable's drag and drop)."""
    update_session(session, {"room": room, "starts_at": starts_at, "ends_at": ends_at}, actor=actor)


def delete_session(session: AgendaSession, *, actor) -> None:
    """Remove a session from the draft; it leaves the public agenda at the next publication."""
    record(actor=actor, action="agenda.session.delete", obj=session, event=session.event, summary=session.title,
           before=_session_snapshot(session))
    db.session.delete(session)
    db.session.flush()
