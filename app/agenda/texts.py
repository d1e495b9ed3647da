"""Agenda texts that translators work on (see app/utils/textkinds.py)."""
from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.agenda.models import AgendaSession, Room, Track
from app.extensions import db
from app.utils.textkinds import TextKind


def _rooms(event) -> list[Room]:
    return list(db.session.scalars(select(Room).where(Room.event_id == event.id).order_by(Room.position, Room.id)))


def _tracks(event) -> list[Track]:
    return list(db.session.scalars(select(Track).where(Track.event_id == event.id)
                                   .order_by(Track.position, Track.id)))


def _sessions(event) -> list[AgendaSession]:
    return list(db.session.scalars(select(AgendaSession).where(AgendaSession.event_id == event.id)
                                   .order_by(AgendaSession.starts_at, AgendaSession.id)))


KINDS = (
    TextKind("room", _l("Rooms"), ("name", "location"), load=_rooms, describe=lambda r: r.name,
             edit_url=lambda event, r: url_for("agenda.room_edit", slug=event.slug, room_id=r.id)),
    TextKind("track", _l("Tracks"), ("name", "description"), load=_tracks, describe=lambda t: t.name,
             edit_url=lambda event, t: url_for("agenda.track_edit", slug=event.slug, track_id=t.id)),
    TextKind("session", _l("Sessions"), ("title", "abstract"), load=_sessions, describe=lambda s: s.title,
             edit_url=lambda event, s: url_for("agenda.session_edit", slug=event.slug, session_id=s.id)),
)
