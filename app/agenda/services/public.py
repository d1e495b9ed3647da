"""The published agenda as public pages and feeds read it: sessions a viewer may see,
with their confirmed speakers, and the filters of the agenda page."""
from __future__ import annotations

from collections import defaultdict
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


def public_speakers(sessions) -> dict[int, list[PublicSpeaker]]:
    """Confirmed speakers per session id, for public pages and feeds: {session_id: [PublicSpeaker]}.

    The one place public output learns about speakers. Only accepted
    assignments count: invited, declined and withdrawn speakers never show.
    The speakers domain answers (app.agenda.providers), in one query whatever the
    number of sessions. When a speaker's answer changes, call
    `app.agenda.cache.invalidate_public_cache(event)` so published pages follow.
    """
    return providers.confirmed_speakers(_session_ids(sessions))


@dataclass
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


def _reader(publication: Publication, categories: frozenset[int] | None):
    """The snapshot's rooms and tracks, and a function turning one of its session entries into
    a PublicSession (None when the viewer may not see it)."""
    snap = publication.snapshot or {}
    rooms = {r["id"]: _with_texts(r, ("name", "location")) for r in snap.get("rooms", [])}
    tracks = {t["id"]: _with_texts(t, ("name", "description")) for t in snap.get("tracks", [])}
    zone = snap.get("timezone") or publication.event.timezone

    def read(s: dict, cancelled: bool = False) -> PublicSession | None:
        if not _visible(s, categories):
            return None
        starts_at, ends_at = datetime.fromisoformat(s["starts_at"]), datetime.fromisoformat(s["ends_at"])
        room = _with_texts(s["room"], ("name", "location")) if cancelled and s.get("room") else None
        return PublicSession(
            id=s["id"], uid=s["uid"], title=Translated.coerce(s["title"]), type=s["type"],
            track=tracks.get(s["track_id"]),
            room=room or rooms.get(s["room_id"], {"id": s["room_id"], "name": "", "capacity": None, "location": ""}),
            sdgs=s["sdgs"], starts_at=starts_at, ends_at=ends_at, local_start=to_zone(starts_at, zone),
            local_end=to_zone(ends_at, zone), abstract=Translated.coerce(s["abstract"]),
            abstract_versions=Translated.coerce(s["abstract_html"]), languages=s["languages"], capacity=s["capacity"],
            signup_required=s["signup_required"], restricted=s["visibility"] == Visibility.restricted.value,
            sequence=s["sequence"],
            updated_at=datetime.fromisoformat(s.get("removed_at") or s["updated_at"]), cancelled=cancelled)

    return snap, rooms, tracks, read


def _visible(s: dict, categories: frozenset[int] | None) -> bool:
    """Whether a viewer of `categories` (None: everything) may see the snapshot's session `s`."""
    if s["visibility"] != Visibility.restricted.value or categories is None:
        return True
    return bool(set(s.get("category_ids") or []) & set(categories))


def public_agenda(publication: Publication, *, categories: frozenset[int] | None = frozenset(),
                  with_speakers: bool = True) -> PublicAgenda:
    """The sessions of `publication` a viewer may see, with confirmed speakers.

    `categories`: the viewer's registration categories (restricted sessions
    show when they share one); None shows everything (organisers).
    """
    snap, rooms, tracks, read = _reader(publication, categories)
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


def public_sessions(publication: Publication, session_ids, *,
                    categories: frozenset[int] | None = frozenset()) -> list[PublicSession]:
    """Only the given sessions of `publication` that the viewer may see, in time order, with
    their confirmed speakers (one query): what one session's or one speaker's page needs,
    without reading out the whole programme."""
    wanted = set(session_ids)
    if not wanted:
        return []
    snap, _rooms, _tracks, read = _reader(publication, categories)
    sessions = [p for p in (read(s) for s in snap.get("sessions", []) if s["id"] in wanted) if p is not None]
    sessions.sort(key=lambda s: (s.starts_at, s.id))
    speakers = public_speakers(sessions)
    for s in sessions:
        s.speakers = speakers.get(s.id, [])
    return sessions


def visible_session_ids(publication: Publication, *, categories: frozenset[int] | None = frozenset()) -> list[int]:
    """Ids of the sessions of `publication` a viewer of `categories` may see (nothing else is read)."""
    return [s["id"] for s in (publication.snapshot or {}).get("sessions", []) if _visible(s, categories)]


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
