"""Publishing the agenda: the public part of the draft, frozen into a `Publication`
snapshot with what moved since the previous one; public pages and feeds read only
that snapshot.

Every function takes model objects and an explicit `actor`, flushes but never
commits, and writes an audit entry for each change.
"""
from __future__ import annotations

import re
import uuid
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import delete, select
from sqlalchemy.orm import defer, joinedload, undefer

from app.agenda.feedhistory import carry_history
from app.agenda.models import Publication, RenderedPage, Visibility
from app.agenda.services.conflicts import Conflict, conflicts_key, open_conflicts
from app.agenda.services.errors import AgendaError
from app.agenda.services.markdown import render_markdown
from app.agenda.services.rooms import rooms_of, tracks_of
from app.agenda.services.sessions import sessions_of
from app.agenda.signals import agenda_published
from app.audit.services import record
from app.events.models import Event
from app.extensions import db
from app.utils.time import as_utc, to_zone, utcnow
from app.utils.translated import Translated


def current_publication(event: Event) -> Publication | None:
    return db.session.scalar(select(Publication).where(Publication.event_id == event.id)
                             .order_by(Publication.version.desc()).limit(1))


def current_publication_token(event: Event) -> str | None:
    """The cache token of `event`'s current publication: unique to it (a publication's
    snapshot never changes), renewed by a new publication or a change shown on its pages.
    Readers may keep what they made of the snapshot under it."""
    return db.session.scalar(select(Publication.cache_token).where(Publication.event_id == event.id)
                             .order_by(Publication.version.desc()).limit(1))


def publications_of(event: Event) -> list[Publication]:
    """Every publication of `event`, newest first, with its changelog (not its snapshot)."""
    return list(db.session.scalars(
        select(Publication)
        .options(joinedload(Publication.published_by), undefer(Publication.changes), defer(Publication.snapshot))
        .where(Publication.event_id == event.id).order_by(Publication.version.desc())))


def slugify(text: str) -> str:
    text = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return text or "x"


def _texts(value) -> dict:
    """A multilingual text as the snapshot keeps it (every version, as JSON)."""
    return Translated.coerce(value).to_json()


def _html(abstract) -> dict:
    """The abstract rendered once per language it is written in."""
    abstract = Translated.coerce(abstract)
    return Translated({lang: str(render_markdown(text)) for lang, text in abstract.texts.items()},
                      abstract.source).to_json()


def build_snapshot(event: Event) -> dict:
    """The public part of the draft, frozen: rooms, tracks and every non-draft session,
    each text in every language it has."""
    rooms = rooms_of(event)
    tracks = tracks_of(event)
    sessions = [s for s in sessions_of(event) if s.visibility != Visibility.draft]
    return {
        "timezone": event.timezone,
        "rooms": [{"id": r.id, "name": _texts(r.name), "capacity": r.capacity, "location": _texts(r.location),
                   "position": r.position} for r in rooms],
        "tracks": [{"id": t.id, "name": _texts(t.name), "colour": t.colour, "description": _texts(t.description),
                    "sdgs": list(t.sdgs or []), "slug": slugify(t.name.original)} for t in tracks],
        "sessions": [{
            "id": s.id, "uid": s.uid, "title": _texts(s.title), "type": s.type.value, "track_id": s.track_id,
            "room_id": s.room_id, "sdgs": sorted(s.sdgs or []),
            "starts_at": as_utc(s.starts_at).isoformat(), "ends_at": as_utc(s.ends_at).isoformat(),
            "abstract": _texts(s.abstract), "abstract_html": _html(s.abstract),
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


class ConflictsOpen(AgendaError):
    """Publishing refused until the actor confirms these open conflicts (`conflicts`, `key`)."""

    def __init__(self, conflicts: list[Conflict]):
        super().__init__(_("Tick “Publish anyway” to publish with these conflicts open."), "publish_anyway")
        self.conflicts = conflicts
        self.key = conflicts_key(conflicts)



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
