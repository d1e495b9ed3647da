"""The published agenda as public pages and feeds read it: sessions a viewer may see,
with their confirmed speakers, and the filters of the agenda page."""
from __future__ import annotations

import threading
from collections import OrderedDict, defaultdict
from copy import copy
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from markupsafe import Markup
from sqlalchemy import select

from app.agenda import providers
from app.agenda.models import SESSION_TYPE_LABELS, Publication, SessionType, Visibility
from app.agenda.providers import PublicSpeaker
from app.agenda.services.sessions import SDG_NUMBERS
from app.events.models import Event
from app.extensions import db
from app.policy import can
from app.registration.models import Registration, RegistrationState
from app.utils.inputs import optional_id
from app.utils.time import to_zone
from app.utils.translated import Translated


def _session_ids(sessions) -> list[int]:
    return [s if isinstance(s, int) else s.id for s in sessions]


def public_speakers(sessions, event_id: int | None = None) -> dict[int, list[PublicSpeaker]]:
    """Confirmed speakers per session id, for public pages and feeds: {session_id: [PublicSpeaker]}.

    The one place public output learns about speakers. Only accepted
    assignments count: invited, declined and withdrawn speakers never show.
    The speakers domain answers (app.agenda.providers), in one query whatever the
    number of sessions. When a speaker's answer changes, call
    `app.agenda.cache.invalidate_public_cache(event)` so published pages follow.
    `event_id`: the event of all the sessions, when they are a whole agenda (read by event).
    """
    return providers.confirmed_speakers(_session_ids(sessions), event_id=event_id)


@dataclass(slots=True)
class PublicSession:
    id: int
    uid: str
    title: Translated
    type: str
    track: dict | None
    room: dict
    sdgs: list[int]
    starts_at: datetime
    ends_at: datetime
    abstract: Translated
    abstract_versions: Translated   # the abstract as HTML, per language
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
    def abstract_html(self) -> Markup:
        """The abstract as HTML in the reader's language (else its source language)."""
        return Markup(str(self.abstract_versions))

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


def _with_texts(entry: dict, names: tuple[str, ...]) -> dict:
    """A snapshot's room or track with its texts as multilingual values (a snapshot
    published before texts had languages holds plain strings: read the same way)."""
    return {**entry, **{name: Translated.coerce(entry.get(name) or "") for name in names}}


@dataclass(frozen=True)
class _Read:
    """A publication's snapshot read out once (a publication's snapshot never changes):
    its rooms and tracks, and every session with who may see it, in the agenda's order."""

    timezone: str
    rooms: list[dict]
    tracks: list[dict]
    # (visibility, category ids, the session without speakers): copied before it is handed out
    sessions: list[tuple[str, frozenset[int], PublicSession]]
    removed: list[tuple[str, frozenset[int], PublicSession]]


# (Publication id, published at) -> its snapshot read out, for the last few publications this
# process read (the time tells apart two databases' publications of one id: tests, a restore).
# Rendering a page afresh after a change that keeps the publication (a speaker confirms, a
# title is corrected in the event's settings) then neither loads nor reads the snapshot again:
# for a summit's 300 sessions, that was a fifth of the agenda page's rendering.
_READ: OrderedDict[tuple, _Read] = OrderedDict()
_READ_MAX = 4
_read_lock = threading.Lock()


def _read_out(publication: Publication) -> _Read:
    """The snapshot of `publication` read out; loaded from the database only the first time
    (load the publication with `defer(Publication.snapshot)` to leave it there otherwise)."""
    key = (publication.id, publication.published_at)
    with _read_lock:
        known = _READ.get(key)
        if known is not None:
            _READ.move_to_end(key)
            return known
    snap = publication.snapshot or {}
    rooms = {r["id"]: _with_texts(r, ("name", "location")) for r in snap.get("rooms", [])}
    tracks = {t["id"]: _with_texts(t, ("name", "description")) for t in snap.get("tracks", [])}
    zone = snap.get("timezone") or publication.event.timezone

    def read(s: dict, cancelled: bool = False) -> tuple[str, frozenset[int], PublicSession]:
        starts_at, ends_at = datetime.fromisoformat(s["starts_at"]), datetime.fromisoformat(s["ends_at"])
        room = _with_texts(s["room"], ("name", "location")) if cancelled and s.get("room") else None
        return s["visibility"], frozenset(s.get("category_ids") or ()), PublicSession(
            id=s["id"], uid=s["uid"], title=Translated.coerce(s["title"]), type=s["type"],
            track=tracks.get(s["track_id"]),
            room=room or rooms.get(s["room_id"], {"id": s["room_id"], "name": "", "capacity": None, "location": ""}),
            sdgs=s["sdgs"], starts_at=starts_at, ends_at=ends_at, local_start=to_zone(starts_at, zone),
            local_end=to_zone(ends_at, zone), abstract=Translated.coerce(s["abstract"]),
            abstract_versions=Translated.coerce(s["abstract_html"]), languages=s["languages"], capacity=s["capacity"],
            signup_required=s["signup_required"], restricted=s["visibility"] == Visibility.restricted.value,
            sequence=s["sequence"],
            updated_at=datetime.fromisoformat(s.get("removed_at") or s["updated_at"]), cancelled=cancelled)

    room_order = {r["id"]: (r["position"], r["name"]) for r in snap.get("rooms", [])}
    sessions = [read(s) for s in snap.get("sessions", [])]
    sessions.sort(key=lambda e: (e[2].starts_at, room_order.get(e[2].room["id"], (0, "")), e[2].id))
    made = _Read(timezone=snap.get("timezone", publication.event.timezone),
                 rooms=sorted(rooms.values(), key=lambda r: (r["position"], r["name"])), tracks=list(tracks.values()),
                 sessions=sessions, removed=[read(s, True) for s in snap.get("removed", [])])
    with _read_lock:
        _READ[key] = made
        while len(_READ) > _READ_MAX:
            _READ.popitem(last=False)
    return made


def clear_read() -> None:
    """Forget the snapshots read out (tests start from an empty database, reusing ids)."""
    with _read_lock:
        _READ.clear()


def _visible(visibility: str, category_ids: frozenset[int], categories: frozenset[int] | None) -> bool:
    """Whether a viewer of `categories` (None: everything) may see a session of that
    visibility, restricted to `category_ids`."""
    if visibility != Visibility.restricted.value or categories is None:
        return True
    return bool(category_ids & categories)


def _shown(entries, categories: frozenset[int] | None, wanted: set[int] | None = None) -> list[PublicSession]:
    """Copies of the sessions a viewer of `categories` may see (of `wanted`, if given): each
    caller may attach its speakers to its own."""
    return [copy(p) for visibility, category_ids, p in entries
            if (wanted is None or p.id in wanted) and _visible(visibility, category_ids, categories)]


def public_agenda(publication: Publication, *, categories: frozenset[int] | None = frozenset(),
                  with_speakers: bool = True) -> PublicAgenda:
    """The sessions of `publication` a viewer may see, with confirmed speakers.

    `categories`: the viewer's registration categories (restricted sessions
    show when they share one); None shows everything (organisers).
    """
    read = _read_out(publication)
    sessions = _shown(read.sessions, categories)
    shown = {p.id for p in sessions}
    cancelled = [p for p in _shown(read.removed, categories) if p.id not in shown]
    if with_speakers:
        speakers = public_speakers(sessions, event_id=publication.event_id)
        for s in sessions:
            s.speakers = speakers.get(s.id, [])
    return PublicAgenda(publication=publication, timezone=read.timezone, rooms=read.rooms, tracks=read.tracks,
                        sessions=sessions, cancelled=cancelled)


def public_sessions(publication: Publication, session_ids, *,
                    categories: frozenset[int] | None = frozenset()) -> list[PublicSession]:
    """Only the given sessions of `publication` that the viewer may see, in time order, with
    their confirmed speakers (one query): what one session's or one speaker's page needs,
    without reading out the whole programme."""
    wanted = set(session_ids)
    if not wanted:
        return []
    sessions = _shown(_read_out(publication).sessions, categories, wanted)
    sessions.sort(key=lambda s: (s.starts_at, s.id))
    speakers = public_speakers(sessions)
    for s in sessions:
        s.speakers = speakers.get(s.id, [])
    return sessions


def visible_session_ids(publication: Publication, *, categories: frozenset[int] | None = frozenset()) -> list[int]:
    """Ids of the sessions of `publication` a viewer of `categories` may see (nothing else is read)."""
    return [s["id"] for s in (publication.snapshot or {}).get("sessions", [])
            if _visible(s["visibility"], frozenset(s.get("category_ids") or ()), categories)]


def has_restricted(publication: Publication) -> bool:
    """Whether some session of `publication` is for some registration categories only."""
    return any(visibility == Visibility.restricted.value for visibility, _ids, _p in _read_out(publication).sessions)


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
    """What the search box looks through: title, abstract, room, track (in every language)
    and speakers."""
    texts = [s.title, s.abstract, s.room.get("name", ""), (s.track or {}).get("name", "")]
    parts = [t.searchable() if isinstance(t, Translated) else str(t) for t in texts]
    parts += [sp.name for sp in s.speakers] + [sp.organisation for sp in s.speakers]
    return " ".join(parts).casefold()


def viewer_categories(user, event: Event) -> frozenset[int] | None:
    """Registration categories whose restricted sessions `user` may see (None: all of them).

    Organisers who may read the draft see everything; a delegate sees the sessions
    of their category once their registration is approved (a submitted, waitlisted,
    rejected or cancelled one gives nothing).
    """
    if user is None or not getattr(user, "is_authenticated", False):
        return frozenset()
    if can(user, "agenda.view_draft", event):
        return None
    ids = db.session.scalars(select(Registration.category_id).where(
        Registration.user_id == user.id, Registration.event_id == event.id,
        Registration.state == RegistrationState.approved))
    return frozenset(i for i in ids if i is not None)
