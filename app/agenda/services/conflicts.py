"""Conflicts of the draft agenda: double-booked rooms and speakers, sessions outside
the event dates or room hours, more people than a room holds."""
from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta

from flask_babel import gettext as _

from app.agenda import providers
from app.agenda.models import AgendaSession
from app.agenda.services.sessions import sessions_of
from app.events.models import Event
from app.utils.time import to_zone

ERROR, WARNING = "error", "warning"

# What publishing asks about before it goes ahead: a room or a speaker in two places at
# once, a speaker due on a day they are not available. Other warnings (room hours,
# capacity, event dates) are the organisers' call and do not stop it.
PUBLISH_CHECKED = ("room", "speaker", "availability")


@dataclass
class Conflict:
    kind: str            # room | speaker | availability | dates | hours | capacity
    severity: str        # error (refused on save) | warning
    session_ids: tuple[int, ...]
    message: str


def speakers_by_session(session_ids: list[int]) -> dict[int, set[int]]:
    """User ids of the speakers holding each session (invited or accepted), for conflict checks.

    Empty until the speakers domain registers its answer (app.agenda.providers).
    """
    return providers.busy_speakers(session_ids)


def _overlaps(a: AgendaSession, b: AgendaSession) -> bool:
    return a.starts_at < b.ends_at and b.starts_at < a.ends_at


def _room_conflicts(sessions: list[AgendaSession], event: Event) -> list[Conflict]:
    found = []
    by_room: dict[int, list[AgendaSession]] = defaultdict(list)
    for s in sessions:
        by_room[s.room_id].append(s)
    for room_sessions in by_room.values():
        room_sessions.sort(key=lambda s: (s.starts_at, s.id))
        for i, a in enumerate(room_sessions):
            for b in room_sessions[i + 1:]:
                if b.starts_at >= a.ends_at:
                    break
                found.append(Conflict("room", ERROR, (a.id, b.id), _(
                    "%(room)s holds “%(a)s” and “%(b)s” at the same time.", room=a.room.name, a=a.title, b=b.title)))
    return found


def _speaker_conflicts(sessions: list[AgendaSession], event: Event) -> list[Conflict]:
    """Speakers due in two sessions at once or on a day they said they are not available,
    each named ("Dr Imran Qureshi is due in …"): the speakers domain knows who speaks where
    and registers the check (app.agenda.providers)."""
    return providers.speaker_conflicts(sessions, event)


def _single_conflicts(session: AgendaSession, event: Event) -> list[Conflict]:
    found = []
    start, end = to_zone(session.starts_at, event.timezone), to_zone(session.ends_at, event.timezone)
    last = end - timedelta(microseconds=1)  # a session ending at midnight belongs to the day before
    if start.date() < event.start_date or last.date() > event.end_date:
        found.append(Conflict("dates", WARNING, (session.id,), _(
            "“%(title)s” is outside the event dates.", title=session.title)))
    room = session.room
    if room is not None and (room.opens_at or room.closes_at):
        outside = bool(room.opens_at and start.time() < room.opens_at)
        if room.closes_at and (last.date() != start.date() or end.time() > room.closes_at):
            outside = True
        if outside:
            found.append(Conflict("hours", WARNING, (session.id,), _(
                "“%(title)s” is outside the opening hours of %(room)s (%(opens)s–%(closes)s).", title=session.title,
                room=room.name, opens=room.opens_at.strftime("%H:%M") if room.opens_at else "…",
                closes=room.closes_at.strftime("%H:%M") if room.closes_at else "…")))
    if room is not None and room.capacity is not None and session.capacity is not None \
            and session.capacity > room.capacity:
        found.append(Conflict("capacity", WARNING, (session.id,), _(
            "“%(title)s” expects %(expected)d people but %(room)s holds %(capacity)d.", title=session.title,
            expected=session.capacity, room=room.name, capacity=room.capacity)))
    return found


# Each check takes every session of the event and returns its conflicts.
CONFLICT_CHECKS = [_room_conflicts, _speaker_conflicts]


def find_conflicts(event: Event, sessions: list[AgendaSession] | None = None) -> list[Conflict]:
    """Every conflict of the draft agenda: room double bookings (errors), speakers in two
    places, sessions outside the event dates or room hours, too many people for a room."""
    sessions = sessions if sessions is not None else sessions_of(event)
    found: list[Conflict] = []
    for check in CONFLICT_CHECKS:
        found.extend(check(sessions, event))
    for s in sessions:
        found.extend(_single_conflicts(s, event))
    return found


def conflicts_by_session(conflicts: list[Conflict]) -> dict[int, list[Conflict]]:
    result: dict[int, list[Conflict]] = defaultdict(list)
    for c in conflicts:
        for session_id in c.session_ids:
            result[session_id].append(c)
    return dict(result)


def open_conflicts(event: Event) -> list[Conflict]:
    """The conflicts publishing asks about (PUBLISH_CHECKED), as the conflicts page lists them."""
    return [c for c in find_conflicts(event) if c.kind in PUBLISH_CHECKED]


def conflicts_key(conflicts: list[Conflict]) -> str:
    """A short fingerprint of a list of conflicts (kinds and sessions, not the translated
    text): a confirmation given for one list does not cover another."""
    parts = sorted(f"{c.kind}:{'-'.join(str(i) for i in c.session_ids)}" for c in conflicts)
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16] if parts else ""
