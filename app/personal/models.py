"""The personal agenda's tables: stars, session sign-ups (with the lock row of each
session's places) and the private calendar feed. Workflows live in services.py.

Agenda sessions are referenced by id without a foreign key: a session deleted
from the draft must still be known here when the next publication tells its
followers that it was cancelled.
"""
from __future__ import annotations

import enum
import secrets
from datetime import datetime

from sqlalchemy import Enum, ForeignKey, Index, Integer, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.utils.db import UTCDateTime
from app.utils.time import utcnow


def new_feed_key() -> str:
    """The random part of a calendar feed's address (as long as the on-site public ids)."""
    return secrets.token_urlsafe(12)


def _enum(cls, length=12):
    return Enum(cls, native_enum=False, length=length)


class SignupState(str, enum.Enum):
    confirmed = "confirmed"
    waitlisted = "waitlisted"
    cancelled = "cancelled"


class AgendaStar(db.Model):
    """A session a delegate put in their personal agenda."""

    __tablename__ = "agenda_stars"
    __table_args__ = (UniqueConstraint("user_id", "session_id"),
                      Index("ix_agenda_stars_event_session", "event_id", "session_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    session_id: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class SessionSignup(db.Model):
    """A place in a session that needs sign-up (workshop, side event), or a place in its queue."""

    __tablename__ = "session_signups"
    __table_args__ = (
        # One live sign-up per person and session, whatever the code does.
        Index("uq_session_signups_live", "session_id", "user_id", unique=True,
              sqlite_where=text("state != 'cancelled'"), postgresql_where=text("state != 'cancelled'")),
        Index("ix_session_signups_session_state", "session_id", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    session_id: Mapped[int] = mapped_column(Integer)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    state: Mapped[SignupState] = mapped_column(_enum(SignupState), default=SignupState.confirmed)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    waitlisted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user = relationship("User")


class SessionPlaces(db.Model):
    """The lock row of one session's places (see services.lock_session)."""

    __tablename__ = "session_places"

    session_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    lock_version: Mapped[int] = mapped_column(Integer, default=0)


class AgendaFeed(db.Model):
    """A delegate's private calendar feed. The secret in its address is derived
    from `key` and the app's SECRET_KEY; drawing a new key revokes the old address."""

    __tablename__ = "agenda_feeds"
    __table_args__ = (UniqueConstraint("event_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(24), unique=True, default=new_feed_key)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_fetched_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The ETag of the last body served and when it last differed: the feed's
    # Last-Modified, whatever changed it (a publication, a star taken off, a sign-up).
    body_etag: Mapped[str] = mapped_column(String(64), default="")
    changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user = relationship("User")
