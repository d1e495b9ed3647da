"""Agenda tables: rooms, tracks, sessions, publications and the public cache.

Organisers edit `AgendaSession` rows (the draft). Publishing copies the
public part of the draft into a `Publication` snapshot; public pages and feeds
read only the latest snapshot, so draft edits never leak before "publish".
"""
from __future__ import annotations

import enum
import uuid
from datetime import datetime, time

from flask_babel import lazy_gettext as _l
from sqlalchemy import (JSON, Boolean, Enum, ForeignKey, Index, Integer, LargeBinary, String, Text, Time,
                        UniqueConstraint)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.utils.db import UTCDateTime
from app.utils.time import utcnow
from app.utils.translated import Translated, TranslatedText, empty_text


class Room(db.Model):
    __tablename__ = "rooms"
    __table_args__ = (UniqueConstraint("event_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    name: Mapped[Translated] = mapped_column(TranslatedText())
    capacity: Mapped[int | None] = mapped_column(Integer)
    location: Mapped[Translated] = mapped_column(TranslatedText(), default=empty_text)
    equipment: Mapped[str] = mapped_column(String(500), default="")
    interpretation_languages: Mapped[list] = mapped_column(JSON, default=list)
    opens_at: Mapped[time | None] = mapped_column(Time)
    closes_at: Mapped[time | None] = mapped_column(Time)
    position: Mapped[int] = mapped_column(Integer, default=0)

    event = relationship("Event")

    def __repr__(self) -> str:
        return f"<Room {self.name}>"


class Track(db.Model):
    __tablename__ = "tracks"
    __table_args__ = (UniqueConstraint("event_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    name: Mapped[Translated] = mapped_column(TranslatedText())
    colour: Mapped[str] = mapped_column(String(7), default="#1f6fb2")
    description: Mapped[Translated] = mapped_column(TranslatedText(), default=empty_text)
    sdgs: Mapped[list] = mapped_column(JSON, default=list)
    position: Mapped[int] = mapped_column(Integer, default=0)

    event = relationship("Event")

    def __repr__(self) -> str:
        return f"<Track {self.name}>"


class SessionType(str, enum.Enum):
    plenary = "plenary"
    high_level_panel = "high_level_panel"
    panel = "panel"
    workshop = "workshop"
    roundtable = "roundtable"
    side_event = "side_event"
    bilateral = "bilateral"
    ceremony = "ceremony"
    break_ = "break"


SESSION_TYPE_LABELS = {
    SessionType.plenary: _l("Plenary"),
    SessionType.high_level_panel: _l("High-level panel"),
    SessionType.panel: _l("Panel"),
    SessionType.workshop: _l("Workshop"),
    SessionType.roundtable: _l("Roundtable"),
    SessionType.side_event: _l("Side event"),
    SessionType.bilateral: _l("Bilateral meeting"),
    SessionType.ceremony: _l("Ceremony"),
    SessionType.break_: _l("Break"),
}


class Visibility(str, enum.Enum):
    """Who sees a session once the agenda is published."""

    draft = "draft"            # organisers only; left out of publications
    published = "published"    # everyone
    restricted = "restricted"  # delegates of the listed registration categories (and organisers)


VISIBILITY_LABELS = {
    Visibility.draft: _l("Draft (organisers only)"),
    Visibility.published: _l("Public"),
    Visibility.restricted: _l("Restricted to registration categories"),
}


def _new_uid() -> str:
    return str(uuid.uuid4())


class AgendaSession(db.Model):
    """One slot of the programme in one room (named so as not to clash with the ORM's Session).

    Speaker assignments hang off this table (`agenda_sessions.id`).
    """

    __tablename__ = "agenda_sessions"
    __table_args__ = (Index("ix_agenda_sessions_room_time", "room_id", "starts_at", "ends_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    # Stable identity for feeds (frab guid, iCalendar UID): survives renames and moves.
    uid: Mapped[str] = mapped_column(String(36), unique=True, default=_new_uid)
    title: Mapped[Translated] = mapped_column(TranslatedText())
    type: Mapped[SessionType] = mapped_column(Enum(SessionType, native_enum=False, length=24),
                                              default=SessionType.panel)
    track_id: Mapped[int | None] = mapped_column(ForeignKey("tracks.id", ondelete="SET NULL"), index=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("rooms.id", ondelete="RESTRICT"), index=True)
    sdgs: Mapped[list] = mapped_column(JSON, default=list)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    abstract: Mapped[Translated] = mapped_column(TranslatedText(), default=empty_text)  # Markdown source
    languages: Mapped[list] = mapped_column(JSON, default=list)
    capacity: Mapped[int | None] = mapped_column(Integer)  # None: the room's capacity
    signup_required: Mapped[bool] = mapped_column(Boolean, default=False)
    visibility: Mapped[Visibility] = mapped_column(Enum(Visibility, native_enum=False, length=16),
                                                   default=Visibility.draft)
    # Registration category ids allowed to see a restricted session; kept loose (no
    # foreign key) because categories belong to the registration domain.
    category_ids: Mapped[list] = mapped_column(JSON, default=list)
    # iCalendar SEQUENCE: bumped whenever the time or room changes.
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    event = relationship("Event")
    room = relationship("Room")
    track = relationship("Track")

    @property
    def effective_capacity(self) -> int | None:
        return self.capacity if self.capacity is not None else (self.room.capacity if self.room else None)

    def __repr__(self) -> str:
        return f"<AgendaSession {self.id} {self.title!r}>"


class Publication(db.Model):
    """One publication of an event's agenda: the public snapshot and what changed since the last one."""

    __tablename__ = "agenda_publications"
    __table_args__ = (UniqueConstraint("event_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    published_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # {"rooms": [...], "tracks": [...], "sessions": [...]} as the public saw it.
    snapshot: Mapped[dict] = mapped_column(JSON, default=dict)
    # [{"kind": "added|removed|moved|changed", "session_id", "title", "before", "after"}]
    # Deferred: the public pages read only the snapshot, and this list is as large.
    changes: Mapped[list] = mapped_column(JSON, default=list, deferred=True)
    # Names the rendered public bodies; replaced when something they show changes
    # without a new publication (e.g. a speaker confirms), so every cache misses.
    cache_token: Mapped[str] = mapped_column(String(32), default=lambda: uuid.uuid4().hex)
    # When the public output last changed (publication or refresh): the feeds' Last-Modified.
    refreshed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    event = relationship("Event")
    published_by = relationship("User")


class RenderedPage(db.Model):
    """A public body rendered once per publication, language and variant, shared by all workers."""

    __tablename__ = "agenda_rendered"

    key: Mapped[str] = mapped_column(String(160), primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    body: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
