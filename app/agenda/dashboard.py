"""Agenda figures for the organiser dashboards. The draft agenda has hundreds of
sessions at most (not thousands of delegates): each figure reads it in one query."""
from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date

from sqlalchemy import func, select

from app.agenda.models import AgendaSession, Room, SessionType, Track
from app.agenda.services.conflicts import open_conflicts
from app.agenda.services.publication import pending_changes
from app.extensions import db
from app.utils.time import to_zone

_COUNTED = AgendaSession.type != SessionType.break_


def sessions_per_track(event) -> list[tuple[int | None, str | None, int]]:
    """(track id, name, sessions) with sessions outside any track as (None, None, n); breaks left out."""
    rows = db.session.execute(
        select(AgendaSession.track_id, Track.name, func.count(AgendaSession.id))
        .outerjoin(Track, Track.id == AgendaSession.track_id)
        .where(AgendaSession.event_id == event.id, _COUNTED)
        .group_by(AgendaSession.track_id, Track.name)).all()
    return [tuple(row) for row in rows]


def sessions_per_type(event) -> list[tuple[SessionType, int]]:
    return [tuple(row) for row in db.session.execute(
        select(AgendaSession.type, func.count(AgendaSession.id))
        .where(AgendaSession.event_id == event.id, _COUNTED).group_by(AgendaSession.type)).all()]


def sessions_per_sdg(event) -> list[tuple[int, int]]:
    """(goal number, sessions naming it); the goals are a list in each session."""
    counts: Counter = Counter()
    for sdgs in db.session.scalars(select(AgendaSession.sdgs).where(AgendaSession.event_id == event.id, _COUNTED)):
        counts.update(int(n) for n in (sdgs or []))
    return sorted(counts.items())


def session_ids(event) -> list[int]:
    """The draft sessions that need speakers (everything but breaks)."""
    return list(db.session.scalars(select(AgendaSession.id).where(AgendaSession.event_id == event.id, _COUNTED)))


def sessions_without_room(event) -> int:
    return db.session.scalar(select(func.count(AgendaSession.id)).where(
        AgendaSession.event_id == event.id, AgendaSession.room_id.is_(None))) or 0


def room_use(event) -> tuple[list[str], list[date], dict[tuple[str, date], float]]:
    """(room names in order, days, hours booked per (room, day)) of the draft agenda."""
    rooms = list(db.session.scalars(select(Room.name).where(Room.event_id == event.id)
                                    .order_by(Room.position, Room.id)))
    hours: dict[tuple[str, date], float] = defaultdict(float)
    days: set[date] = set()
    for name, starts, ends in db.session.execute(
            select(Room.name, AgendaSession.starts_at, AgendaSession.ends_at)
            .join(Room, Room.id == AgendaSession.room_id).where(AgendaSession.event_id == event.id)):
        day = to_zone(starts, event.timezone).date()
        days.add(day)
        hours[(name, day)] += (ends - starts).total_seconds() / 3600
    return rooms, sorted(days), dict(hours)


def readiness(event) -> dict[str, int]:
    """Open conflicts and changes not yet published."""
    return {"conflicts": len(open_conflicts(event)), "unpublished": len(pending_changes(event))}
