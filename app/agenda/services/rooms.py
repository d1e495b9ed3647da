"""Rooms and tracks of an event's agenda.

Every function takes model objects and an explicit `actor`, flushes but never
commits, and writes an audit entry for each change.
"""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select

from app.agenda.models import AgendaSession, Room, Track
from app.agenda.services.errors import AgendaError
from app.audit.services import audited_update, record, snapshot
from app.events.models import Event
from app.extensions import db

ROOM_FIELDS = ("name", "capacity", "location", "equipment", "interpretation_languages", "opens_at", "closes_at",
               "position")
TRACK_FIELDS = ("name", "colour", "description", "sdgs", "position")


def rooms_of(event: Event) -> list[Room]:
    return list(db.session.scalars(select(Room).where(Room.event_id == event.id).order_by(Room.position, Room.name)))


def tracks_of(event: Event) -> list[Track]:
    return list(db.session.scalars(select(Track).where(Track.event_id == event.id)
                                   .order_by(Track.position, Track.name)))


def _name_taken(model, event: Event, name, exclude=None) -> bool:
    """True when another room (or track) of `event` has this name in any language."""
    stmt = select(model).where(model.event_id == event.id)
    if exclude is not None:
        stmt = stmt.where(model.id != exclude.id)
    return any(other.name.clashes_with(name) for other in db.session.scalars(stmt))


def _check_room(event: Event, data: dict, room: Room | None = None) -> None:
    if _name_taken(Room, event, data["name"], exclude=room):
        raise AgendaError(_("Another room already has this name."), "name")
    opens, closes = data.get("opens_at"), data.get("closes_at")
    if opens and closes and closes <= opens:
        raise AgendaError(_("The room must close after it opens."), "closes_at")


def create_room(event: Event, data: dict, *, actor) -> Room:
    """Add a room to `event`; audited. Raises AgendaError on a duplicate name or bad hours."""
    _check_room(event, data)
    room = Room(event=event, **{k: v for k, v in data.items() if k in ROOM_FIELDS})
    db.session.add(room)
    db.session.flush()
    record(actor=actor, action="agenda.room.create", obj=room, event=event, summary=room.name,
           after=snapshot(room, ROOM_FIELDS))
    return room


def update_room(room: Room, data: dict, *, actor) -> None:
    """Change a room; audited. Raises AgendaError on a duplicate name or bad hours."""
    _check_room(room.event, data, room)
    audited_update(room, data, ROOM_FIELDS, actor=actor, action="agenda.room.update", event=room.event,
                   summary=data.get("name", room.name))


def delete_room(room: Room, *, actor) -> None:
    """Remove a room; refused (AgendaError) while sessions are placed in it."""
    used = db.session.scalar(select(func.count(AgendaSession.id)).where(AgendaSession.room_id == room.id))
    if used:
        raise AgendaError(_("%(count)d sessions are placed in this room: move them first.", count=used))
    record(actor=actor, action="agenda.room.delete", obj=room, event=room.event, summary=room.name,
           before=snapshot(room, ROOM_FIELDS))
    db.session.delete(room)
    db.session.flush()


def create_track(event: Event, data: dict, *, actor) -> Track:
    """Add a track (theme) to `event`; audited."""
    if _name_taken(Track, event, data["name"]):
        raise AgendaError(_("Another track already has this name."), "name")
    track = Track(event=event, **{k: v for k, v in data.items() if k in TRACK_FIELDS})
    db.session.add(track)
    db.session.flush()
    record(actor=actor, action="agenda.track.create", obj=track, event=event, summary=track.name,
           after=snapshot(track, TRACK_FIELDS))
    return track


def update_track(track: Track, data: dict, *, actor) -> None:
    """Change a track; audited."""
    if _name_taken(Track, track.event, data["name"], exclude=track):
        raise AgendaError(_("Another track already has this name."), "name")
    audited_update(track, data, TRACK_FIELDS, actor=actor, action="agenda.track.update", event=track.event,
                   summary=data.get("name", track.name))


def delete_track(track: Track, *, actor) -> None:
    """Remove a track; refused while sessions belong to it (they would silently lose their theme)."""
    used = db.session.scalar(select(func.count(AgendaSession.id)).where(AgendaSession.track_id == track.id))
    if used:
        raise AgendaError(_("%(count)d sessions belong to this track: move them first.", count=used))
    record(actor=actor, action="agenda.track.delete", obj=track, event=track.event, summary=track.name,
           before=snapshot(track, TRACK_FIELDS))
    db.session.delete(track)
    db.session.flush()
