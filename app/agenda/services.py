"""Agenda rules: rooms, tracks, sessions, conflicts and publishing.

Organisers change the draft (the `AgendaSession` rows). `publish_agenda` copies
the public part of the draft into a `Publication` snapshot and stores what moved
since the previous one; public pages and feeds read only that snapshot.

Every function here takes model objects and an explicit `actor`, flushes but
never commits, and writes an audit entry for each change.
"""
from __future__ import annotations

import hashlib
import html
import importlib
import re
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import nh3
from blinker import Namespace
from flask_babel import gettext as _
from markdown_it import MarkdownIt
from markupsafe import Markup
from sqlalchemy import delete, func, select

from app.agenda.feedhistory import carry_history
from app.agenda.models import (SESSION_TYPE_LABELS, AgendaSession, Publication, RenderedPage, Room, SessionType,
                               Track, Visibility)
from app.audit.services import record, snapshot
from app.events.models import Event
from app.extensions import db
from app.utils.inputs import optional_id
from app.utils.time import as_utc, to_zone, utcnow
from app.utils.refusals import Refusal

# Sent after every publication with (publication, previous=publication before it or None,
# actor=...), in the publishing transaction: other domains react to the changelog.
agenda_published = Namespace().signal("agenda-published")

MIN_SESSION = timedelta(minutes=5)
MAX_SESSION = timedelta(hours=12)
SDG_NUMBERS = tuple(range(1, 18))

ROOM_FIELDS = ("name", "capacity", "location", "equipment", "interpretation_languages", "opens_at", "closes_at",
               "position")
TRACK_FIELDS = ("name", "colour", "description", "sdgs", "position")
SESSION_FIELDS = ("title", "type", "track_id", "room_id", "sdgs", "starts_at", "ends_at", "abstract", "languages",
                  "capacity", "signup_required", "visibility", "category_ids")


class AgendaError(Refusal):
    """A change refused by an agenda rule; `field` names the form field it concerns."""


# --- Markdown ----------------------------------------------------------------------

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
_ALLOWED_TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "a", "blockquote", "code", "pre", "h3", "h4", "h5",
                 "h6", "hr"}
_DANGEROUS = re.compile(r"<\s*/?\s*(script|iframe|object|embed|style)\b|(java|vb)script\s*:|data\s*:\s*text/html",
                        re.I)
_INVISIBLE = re.compile(r"[\s\x00-\x1f\u200b-\u200d\ufeff]+")


def markdown_problem(text: str) -> str | None:
    """Why a Markdown abstract is refused, or None: scripts and script links never pass.

    The text is unescaped and stripped of invisible characters first, so
    `java&#115;cript:` or `java\\tscript:` are caught as well.
    """
    if not text:
        return None
    unescaped = html.unescape(text)
    squeezed = _INVISIBLE.sub("", unescaped)
    if _DANGEROUS.search(unescaped) or _DANGEROUS.search(squeezed):
        return _("Scripts and script links are not allowed in the abstract.")
    return None


def render_markdown(text: str) -> Markup:
    """Markdown to safe HTML: raw HTML is escaped, links limited to http(s) and mailto."""
    if not text:
        return Markup("")
    rendered = _md.render(text)
    cleaned = nh3.clean(rendered, tags=_ALLOWED_TAGS, attributes={"a": {"href", "title"}},
                        url_schemes={"http", "https", "mailto"}, link_rel="noopener noreferrer nofollow")
    return Markup(cleaned)


# --- Rooms and tracks --------------------------------------------------------------

def rooms_of(event: Event) -> list[Room]:
    return list(db.session.scalars(select(Room).where(Room.event_id == event.id).order_by(Room.position, Room.name)))


def tracks_of(event: Event) -> list[Track]:
    return list(db.session.scalars(select(Track).where(Track.event_id == event.id)
                                   .order_by(Track.position, Track.name)))


def _name_taken(model, event: Event, name: str, exclude=None) -> bool:
    stmt = select(model.id).where(model.event_id == event.id, func.lower(model.name) == name.strip().lower())
    if exclude is not None:
        stmt = stmt.where(model.id != exclude.id)
    return db.session.scalar(stmt) is not None


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
    before = snapshot(room, ROOM_FIELDS)
    for key, value in data.items():
        if key in ROOM_FIELDS:
            setattr(room, key, value)
    db.session.flush()
    record(actor=actor, action="agenda.room.update", obj=room, event=room.event, summary=room.name,
           before=before, after=snapshot(room, ROOM_FIELDS))


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
    before = snapshot(track, TRACK_FIELDS)
    for key, value in data.items():
        if key in TRACK_FIELDS:
            setattr(track, key, value)
    db.session.flush()
    record(actor=actor, action="agenda.track.update", obj=track, event=track.event, summary=track.name,
           before=before, after=snapshot(track, TRACK_FIELDS))


def delete_track(track: Track, *, actor) -> None:
    """Remove a track; refused while sessions belong to it (they would silently lose their theme)."""
    used = db.session.scalar(select(func.count(AgendaSession.id)).where(AgendaSession.track_id == track.id))
    if used:
        raise AgendaError(_("%(count)d sessions belong to this track: move them first.", count=used))
    record(actor=actor, action="agenda.track.delete", obj=track, event=track.event, summary=track.name,
           before=snapshot(track, TRACK_FIELDS))
    db.session.delete(track)
    db.session.flush()


# --- Sessions ----------------------------------------------------------------------

def sessions_of(event: Event) -> list[AgendaSession]:
    """Every draft session of `event` with room and track loaded, in time order."""
    from sqlalchemy.orm import joinedload

    return list(db.session.scalars(
        select(AgendaSession).options(joinedload(AgendaSession.room), joinedload(AgendaSession.track))
        .where(AgendaSession.event_id == event.id).order_by(AgendaSession.starts_at, AgendaSession.room_id,
                                                            AgendaSession.id)))


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


def _apply(session: AgendaSession, data: dict) -> None:
    for key, value in data.items():
        if key == "room":
            session.room = value
            session.room_id = value.id
        elif key == "track":
            session.track = value
            session.track_id = value.id if value is not None else None
        elif key in SESSION_FIELDS and key not in ("room_id", "track_id"):
            setattr(session, key, value)


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
    _apply(session, data)
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
    before = _session_snapshot(session)
    old_place = (session.room_id, as_utc(session.starts_at), as_utc(session.ends_at))
    _apply(session, data)
    if (session.room_id, as_utc(session.starts_at), as_utc(session.ends_at)) != old_place:
        session.sequence = (session.sequence or 0) + 1
    db.session.flush()
    record(actor=actor, action="agenda.session.update", obj=session, event=event, summary=session.title,
           before=before, after=_session_snapshot(session))


def move_session(session: AgendaSession, *, room: Room, starts_at: datetime, ends_at: datetime, actor) -> None:
    """Place a session in another room and/or time (the timetable's drag and drop)."""
    update_session(session, {"room": room, "starts_at": starts_at, "ends_at": ends_at}, actor=actor)


def delete_session(session: AgendaSession, *, actor) -> None:
    """Remove a session from the draft; it leaves the public agenda at the next publication."""
    record(actor=actor, action="agenda.session.delete", obj=session, event=session.event, summary=session.title,
           before=_session_snapshot(session))
    db.session.delete(session)
    db.session.flush()


# --- Speakers (filled in by the speakers domain) -------------------------------------

@dataclass(frozen=True)
class PublicSpeaker:
    id: int
    name: str
    organisation: str = ""
    position: str = ""
    role: str = ""
    role_label: str = ""


def _speaker_models():
    """app.speakers.models when the speakers domain is installed, else None."""
    try:
        return importlib.import_module("app.speakers.models")
    except ModuleNotFoundError as exc:
        if exc.name not in ("app.speakers", "app.speakers.models"):
            raise
        return None


def _session_ids(sessions) -> list[int]:
    return [s if isinstance(s, int) else s.id for s in sessions]


def public_speakers(sessions) -> dict[int, list[PublicSpeaker]]:
    """Confirmed speakers per session id, for public pages and feeds: {session_id: [PublicSpeaker]}.

    The one place public output learns about speakers. Only accepted
    assignments count: invited, declined and withdrawn speakers never show.
    Empty while app.speakers is not installed. One query whatever the number
    of sessions. When a speaker's answer changes, call
    `app.agenda.cache.invalidate_public_cache(event)` so published pages follow.
    """
    models = _speaker_models()
    assignment = getattr(models, "SpeakerAssignment", None) if models else None
    ids = _session_ids(sessions)
    if assignment is None or not ids:
        return {}
    from sqlalchemy.orm import joinedload

    state = getattr(assignment, "state")
    accepted = getattr(getattr(models, "AssignmentState", None), "accepted", "accepted")
    stmt = (select(assignment).options(joinedload(assignment.user))
            .where(assignment.session_id.in_(ids), state == accepted))
    order = getattr(assignment, "position", None)
    stmt = stmt.order_by(assignment.session_id, *( [order] if order is not None else []), assignment.id)
    labels = getattr(models, "ROLE_LABELS", {})
    result: dict[int, list[PublicSpeaker]] = defaultdict(list)
    for row in db.session.scalars(stmt):
        user = row.user
        role = getattr(row, "role", None)
        result[row.session_id].append(PublicSpeaker(
            id=user.id, name=user.formal_name, organisation=user.organisation or "",
            position=user.position or "", role=str(role or ""), role_label=str(labels.get(role, role or ""))))
    return dict(result)


def speakers_by_session(session_ids: list[int]) -> dict[int, set[int]]:
    """User ids of the speakers holding each session (invited or accepted), for conflict checks.

    Empty while app.speakers is not installed.
    """
    models = _speaker_models()
    assignment = getattr(models, "SpeakerAssignment", None) if models else None
    if assignment is None or not session_ids:
        return {}
    state_enum = getattr(models, "AssignmentState", None)
    busy = [getattr(state_enum, "invited", "invited"), getattr(state_enum, "accepted", "accepted")]
    rows = db.session.execute(select(assignment.session_id, assignment.user_id)
                              .where(assignment.session_id.in_(session_ids), assignment.state.in_(busy)))
    result: dict[int, set[int]] = defaultdict(set)
    for session_id, user_id in rows:
        result[session_id].add(user_id)
    return dict(result)


# --- Conflicts ---------------------------------------------------------------------

ERROR, WARNING = "error", "warning"


@dataclass
class Conflict:
    kind: str            # room | speaker | availability | dates | hours | capacity
    severity: str        # error (refused on save) | warning
    session_ids: tuple[int, ...]
    message: str


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
    each named ("Dr Imran Qureshi is due in …"): the speakers domain knows who speaks where."""
    try:
        module = importlib.import_module("app.speakers.conflicts")
    except ModuleNotFoundError as exc:
        if exc.name not in ("app.speakers", "app.speakers.conflicts"):
            raise
        return []
    return module.speaker_conflicts(sessions, event)


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


# --- Publishing --------------------------------------------------------------------

def current_publication(event: Event) -> Publication | None:
    return db.session.scalar(select(Publication).where(Publication.event_id == event.id)
                             .order_by(Publication.version.desc()).limit(1))


def publications_of(event: Event) -> list[Publication]:
    """Every publication of `event`, newest first, with its changelog (not its snapshot)."""
    from sqlalchemy.orm import defer, joinedload, undefer

    return list(db.session.scalars(
        select(Publication)
        .options(joinedload(Publication.published_by), undefer(Publication.changes), defer(Publication.snapshot))
        .where(Publication.event_id == event.id).order_by(Publication.version.desc())))


def _slugify(text: str) -> str:
    text = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return text or "x"


def build_snapshot(event: Event) -> dict:
    """The public part of the draft, frozen: rooms, tracks and every non-draft session."""
    rooms = rooms_of(event)
    tracks = tracks_of(event)
    sessions = [s for s in sessions_of(event) if s.visibility != Visibility.draft]
    return {
        "timezone": event.timezone,
        "rooms": [{"id": r.id, "name": r.name, "capacity": r.capacity, "location": r.location,
                   "position": r.position} for r in rooms],
        "tracks": [{"id": t.id, "name": t.name, "colour": t.colour, "description": t.description,
                    "sdgs": list(t.sdgs or []), "slug": _slugify(t.name)} for t in tracks],
        "sessions": [{
            "id": s.id, "uid": s.uid, "title": s.title, "type": s.type.value, "track_id": s.track_id,
            "room_id": s.room_id, "sdgs": sorted(s.sdgs or []),
            "starts_at": as_utc(s.starts_at).isoformat(), "ends_at": as_utc(s.ends_at).isoformat(),
            "abstract": s.abstract or "", "abstract_html": str(render_markdown(s.abstract or "")),
            "languages": list(s.languages or []), "capacity": s.effective_capacity,
            "signup_required": bool(s.signup_required), "visibility": s.visibility.value,
            "category_ids": list(s.category_ids or []), "sequence": s.sequence or 0,
            "updated_at": as_utc(s.updated_at or utcnow()).isoformat(),
        } for s in sessions],
    }


def _place(entry: dict, rooms: dict[int, str], zone: str) -> dict:
    start = datetime.fromisoformat(entry["starts_at"])
    end = datetime.fromisoformat(entry["ends_at"])
    return {"room": rooms.get(entry["room_id"], ""), "starts_at": entry["starts_at"], "ends_at": entry["ends_at"],
            "local": f"{to_zone(start, zone):%Y-%m-%d %H:%M}–{to_zone(end, zone):%H:%M}"}


_COMPARED = ("title", "type", "track_id", "sdgs", "abstract", "languages", "capacity", "signup_required",
             "visibility", "category_ids")


def diff_snapshots(old: dict | None, new: dict) -> list[dict]:
    """What the public sees change between two snapshots: sessions added, removed,
    moved (room or time) or otherwise changed, in time order."""
    old = old or {"sessions": [], "rooms": []}
    zone = new.get("timezone", "UTC")
    old_rooms = {r["id"]: r["name"] for r in old.get("rooms", [])}
    new_rooms = {r["id"]: r["name"] for r in new.get("rooms", [])}
    before = {s["id"]: s for s in old.get("sessions", [])}
    after = {s["id"]: s for s in new.get("sessions", [])}
    changes = []
    for sid, s in after.items():
        if sid not in before:
            changes.append({"kind": "added", "session_id": sid, "title": s["title"], "before": None,
                            "after": _place(s, new_rooms, zone), "at": s["starts_at"]})
            continue
        b = before[sid]
        was, now = _place(b, old_rooms, zone), _place(s, new_rooms, zone)
        if (b["room_id"], b["starts_at"], b["ends_at"]) != (s["room_id"], s["starts_at"], s["ends_at"]):
            changes.append({"kind": "moved", "session_id": sid, "title": s["title"], "before": was, "after": now,
                            "at": s["starts_at"]})
        else:
            fields = [f for f in _COMPARED if b.get(f) != s.get(f)]
            if fields:
                changes.append({"kind": "changed", "session_id": sid, "title": s["title"], "fields": fields,
                                "before": was, "after": now, "at": s["starts_at"]})
    for sid, b in before.items():
        if sid not in after:
            changes.append({"kind": "removed", "session_id": sid, "title": b["title"],
                            "before": _place(b, old_rooms, zone), "after": None, "at": b["starts_at"]})
    changes.sort(key=lambda c: (c["at"], c["session_id"]))
    return changes


def pending_changes(event: Event) -> list[dict]:
    """What publishing now would change for the public."""
    current = current_publication(event)
    return diff_snapshots(current.snapshot if current else None, build_snapshot(event))


# What publishing asks about before it goes ahead: a room or a speaker in two places at
# once, a speaker due on a day they are not available. Other warnings (room hours,
# capacity, event dates) are the organisers' call and do not stop it.
PUBLISH_CHECKED = ("room", "speaker", "availability")


class ConflictsOpen(AgendaError):
    """Publishing refused until the actor confirms these open conflicts (`conflicts`, `key`)."""

    def __init__(self, conflicts: list[Conflict]):
        super().__init__(_("Tick “Publish anyway” to publish with these conflicts open."), "publish_anyway")
        self.conflicts = conflicts
        self.key = conflicts_key(conflicts)


def open_conflicts(event: Event) -> list[Conflict]:
    """The conflicts publishing asks about (PUBLISH_CHECKED), as the conflicts page lists them."""
    return [c for c in find_conflicts(event) if c.kind in PUBLISH_CHECKED]


def conflicts_key(conflicts: list[Conflict]) -> str:
    """A short fingerprint of a list of conflicts (kinds and sessions, not the translated
    text): a confirmation given for one list does not cover another."""
    parts = sorted(f"{c.kind}:{'-'.join(str(i) for i in c.session_ids)}" for c in conflicts)
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16] if parts else ""


def publish_agenda(event: Event, *, actor, accept_conflicts: str | None = None) -> Publication:
    """Make the current draft the public agenda at once; audited.

    Refused with ConflictsOpen while rooms or speakers are double-booked (or a
    speaker is due on a day they are not available), unless `accept_conflicts`
    is the `conflicts_key` of exactly the open conflicts, i.e. the actor saw
    them and chose to publish anyway; the audit entry counts them.
    Stores the snapshot and the changelog since the previous publication (kept
    for telling the people affected later) and drops rendered pages of older
    publications.
    """
    still_open = open_conflicts(event)
    if still_open and accept_conflicts != conflicts_key(still_open):
        raise ConflictsOpen(still_open)
    previous = current_publication(event)
    now = utcnow()
    snap = build_snapshot(event)
    carry_history(event, previous.snapshot if previous else None, snap, now)
    changes = diff_snapshots(previous.snapshot if previous else None, snap)
    publication = Publication(event=event, version=(previous.version + 1) if previous else 1, snapshot=snap,
                              changes=changes, published_by_id=getattr(actor, "id", None),
                              cache_token=uuid.uuid4().hex, published_at=now, refreshed_at=now)
    db.session.add(publication)
    db.session.execute(delete(RenderedPage).where(RenderedPage.event_id == event.id))
    db.session.flush()
    record(actor=actor, action="agenda.publish", obj=publication, event=event,
           summary=_("Agenda version %(version)d: %(count)d changes", version=publication.version,
                     count=len(changes)),
           after={"version": publication.version, "sessions": len(snap["sessions"]), "changes": len(changes),
                  **({"conflicts_open": len(still_open)} if still_open else {})})
    agenda_published.send(publication, previous=previous, actor=actor)
    return publication


# --- The published agenda, as public pages read it -----------------------------------

@dataclass
class PublicSession:
    id: int
    uid: str
    title: str
    type: str
    track: dict | None
    room: dict
    sdgs: list[int]
    starts_at: datetime
    ends_at: datetime
    abstract: str
    abstract_html: Markup
    languages: list[str]
    capacity: int | None
    signup_required: bool
    restricted: bool
    sequence: int
    updated_at: datetime
    speakers: list[PublicSpeaker] = field(default_factory=list)
    local_start: datetime | None = None   # in the event's zone
    local_end: datetime | None = None
    cancelled: bool = False   # taken off the agenda; feeds keep it a while (see feedhistory)

    @property
    def type_label(self) -> str:
        try:
            return str(SESSION_TYPE_LABELS[SessionType(self.type)])
        except ValueError:
            return self.type

    @property
    def duration(self) -> timedelta:
        return self.ends_at - self.starts_at


@dataclass
class PublicAgenda:
    publication: Publication
    timezone: str
    rooms: list[dict]
    tracks: list[dict]
    sessions: list[PublicSession]
    # Sessions recently taken off the agenda, for calendars to strike out.
    cancelled: list[PublicSession] = field(default_factory=list)

    def days(self, sessions: list[PublicSession] | None = None) -> list[tuple[date, list[PublicSession]]]:
        """(event-local date, sessions) pairs in order, of all sessions or the given ones."""
        grouped: dict[date, list[PublicSession]] = defaultdict(list)
        for s in self.sessions if sessions is None else sessions:
            grouped[s.local_start.date()].append(s)
        return sorted(grouped.items())

    def session(self, session_id: int) -> PublicSession | None:
        return next((s for s in self.sessions if s.id == session_id), None)


def public_agenda(publication: Publication, *, categories: frozenset[int] | None = frozenset(),
                  with_speakers: bool = True) -> PublicAgenda:
    """The sessions of `publication` a viewer may see, with confirmed speakers.

    `categories`: the viewer's registration categories (restricted sessions
    show when they share one); None shows everything (organisers).
    """
    snap = publication.snapshot or {}
    rooms = {r["id"]: r for r in snap.get("rooms", [])}
    tracks = {t["id"]: t for t in snap.get("tracks", [])}
    zone = ZoneInfo(snap.get("timezone") or publication.event.timezone)

    def read(s: dict, cancelled: bool = False) -> PublicSession | None:
        restricted = s["visibility"] == Visibility.restricted.value
        if restricted and categories is not None and not (set(s.get("category_ids") or []) & set(categories)):
            return None
        starts_at, ends_at = datetime.fromisoformat(s["starts_at"]), datetime.fromisoformat(s["ends_at"])
        room = s.get("room") if cancelled else None
        return PublicSession(
            id=s["id"], uid=s["uid"], title=s["title"], type=s["type"], track=tracks.get(s["track_id"]),
            room=room or rooms.get(s["room_id"], {"id": s["room_id"], "name": "", "capacity": None, "location": ""}),
            sdgs=s["sdgs"], starts_at=starts_at, ends_at=ends_at, local_start=starts_at.astimezone(zone),
            local_end=ends_at.astimezone(zone), abstract=s["abstract"],
            abstract_html=Markup(s["abstract_html"]), languages=s["languages"], capacity=s["capacity"],
            signup_required=s["signup_required"], restricted=restricted, sequence=s["sequence"],
            updated_at=datetime.fromisoformat(s.get("removed_at") or s["updated_at"]), cancelled=cancelled)

    sessions = [p for p in (read(s) for s in snap.get("sessions", [])) if p is not None]
    shown = {p.id for p in sessions}
    cancelled = [p for p in (read(s, True) for s in snap.get("removed", []) if s["id"] not in shown)
                 if p is not None]
    room_order = {r["id"]: (r["position"], r["name"]) for r in snap.get("rooms", [])}
    sessions.sort(key=lambda s: (s.starts_at, room_order.get(s.room["id"], (0, "")), s.id))
    if with_speakers:
        speakers = public_speakers(sessions)
        for s in sessions:
            s.speakers = speakers.get(s.id, [])
    return PublicAgenda(publication=publication, timezone=snap.get("timezone", publication.event.timezone),
                        rooms=sorted(rooms.values(), key=lambda r: (r["position"], r["name"])),
                        tracks=list(tracks.values()), sessions=sessions, cancelled=cancelled)


@dataclass
class AgendaFilters:
    track: int | None = None
    type: str | None = None
    sdg: int | None = None
    room: int | None = None
    q: str = ""

    @property
    def active(self) -> bool:
        return any((self.track, self.type, self.sdg, self.room, self.q))

    @classmethod
    def from_args(cls, args) -> "AgendaFilters":
        """Filters from query arguments; anything malformed is ignored, never an error."""
        def as_int(name):
            return optional_id(args.get(name))

        kind = args.get("type") or None
        if kind not in {t.value for t in SessionType}:
            kind = None
        sdg = as_int("sdg")
        return cls(track=as_int("track"), type=kind, sdg=sdg if sdg in SDG_NUMBERS else None, room=as_int("room"),
                   q=(args.get("q") or "").strip()[:100])

    def apply(self, sessions: list[PublicSession]) -> list[PublicSession]:
        needle = self.q.casefold()
        result = []
        for s in sessions:
            if self.track and (s.track or {}).get("id") != self.track:
                continue
            if self.type and s.type != self.type:
                continue
            if self.sdg and self.sdg not in s.sdgs:
                continue
            if self.room and s.room.get("id") != self.room:
                continue
            if needle and needle not in search_text(s):
                continue
            result.append(s)
        return result


def search_text(s: PublicSession) -> str:
    """What the search box looks through: title, abstract, room, track and speakers."""
    parts = [s.title, s.abstract, s.room.get("name", ""), (s.track or {}).get("name", "")]
    parts += [sp.name for sp in s.speakers] + [sp.organisation for sp in s.speakers]
    return " ".join(parts).casefold()


def viewer_categories(user, event: Event) -> frozenset[int] | None:
    """Registration categories whose restricted sessions `user` may see (None: all of them).

    Organisers who may read the draft see everything; a delegate sees the sessions
    of their category once their registration is approved (a submitted, waitlisted,
    rejected or cancelled one gives nothing).
    """
    from app.policy import can
    from app.registration.models import Registration, RegistrationState

    if user is None or not getattr(user, "is_authenticated", False):
        return frozenset()
    if can(user, "agenda.view_draft", event):
        return None
    ids = db.session.scalars(select(Registration.category_id).where(
        Registration.user_id == user.id, Registration.event_id == event.id,
        Registration.state == RegistrationState.approved))
    return frozenset(i for i in ids if i is not None)
