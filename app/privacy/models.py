"""Erasure requests and each event's retention of personal data."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Enum, ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import User
from app.extensions import db
from app.utils.db import UTCDateTime
from app.utils.time import utcnow


class ErasureState(str, enum.Enum):
    pending = "pending"        # waiting for the grace period to end (or the secretariat)
    cancelled = "cancelled"    # the person changed their mind
    refused = "refused"        # kept, with a reason the person is told
    done = "done"              # erased


class ErasureRequest(db.Model):
    """A person asked for their account and personal data to be erased. After the
    grace period (or when the secretariat acts sooner) it is done; the row keeps only
    the pseudonym, the dates and who acted."""

    __tablename__ = "erasure_requests"
    __table_args__ = (
        # One pending request per person, even when two arrive at once.
        Index("uq_erasure_requests_pending", "user_id", unique=True,
              sqlite_where=text("state = 'pending'"), postgresql_where=text("state = 'pending'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    state: Mapped[ErasureState] = mapped_column(Enum(ErasureState, native_enum=False, length=12),
                                                default=ErasureState.pending, index=True)
    pseudonym: Mapped[str] = mapped_column(String(40))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(String(500), default="")

    user: Mapped[User | None] = relationship(foreign_keys=[user_id])


class EventRetention(db.Model):
    """How long an event keeps personal data after its last day, and when it was anonymised."""

    __tablename__ = "event_retention"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), unique=True)
    retention_days: Mapped[int] = mapped_column(Integer, default=365)
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    anonymised_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
