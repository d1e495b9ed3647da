"""Bilateral meetings between delegations: the rooms protocol keeps for them, the
event's rules, the requests with their agreed slot, who takes part and which
interpreters are assigned. Workflows live in services/.

A bilateral is confidential: nothing here is ever read by a public page or feed.
"""
from __future__ import annotations

import enum
import uuid
from datetime import datetime, time

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, Boolean, Enum, ForeignKey, Index, Integer, String, Text, Time, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.utils.db import UTCDateTime
from app.utils.time import utcnow


def _enum(cls, length=16):
    return Enum(cls, native_enum=False, length=length)


class Layout(str, enum.Enum):
    square = "square"
    classroom = "classroom"


LAYOUT_LABELS = {Layout.square: _l("Square table"), Layout.classroom: _l("Classroom")}


class Level(str, enum.Enum):
    head_of_state = "head_of_state"
    minister = "minister"
    ambassador = "ambassador"
    senior_official = "senior_official"
    expert = "expert"


LEVEL_LABELS = {Level.head_of_state: _l("Head of state or government"), Level.minister: _l("Minister"),
                Level.ambassador: _l("Ambassador"), Level.senior_official: _l("Senior official"),
                Level.expert: _l("Expert")}


class BilateralState(str, enum.Enum):
    requested = "requested"    # waiting for the counterpart
    proposed = "proposed"      # the counterpart proposed other windows; waiting for the requester
    accepted = "accepted"      # a slot both sides agreed; waiting for protocol's room
    confirmed = "confirmed"    # protocol gave a room
    bumped = "bumped"          # an agenda change took its time or room; protocol moves it
    declined = "declined"
    withdrawn = "withdrawn"
    cancelled = "cancelled"    # by protocol


STATE_LABELS = {BilateralState.requested: _l("Requested"), BilateralState.proposed: _l("Other times proposed"),
                BilateralState.accepted: _l("Accepted, waiting for a room"),
                BilateralState.confirmed: _l("Confirmed"), BilateralState.bumped: _l("Bumped by the agenda"),
                BilateralState.declined: _l("Declined"), BilateralState.withdrawn: _l("Withdrawn"),
                BilateralState.cancelled: _l("Cancelled by protocol")}

# States in which a bilateral holds its people's (and room's) time.
HOLDING = (BilateralState.accepted, BilateralState.confirmed)
OPEN = (BilateralState.requested, BilateralState.proposed, BilateralState.accepted, BilateralState.confirmed,
        BilateralState.bumped)


class BilateralRoom(db.Model):
    """An agenda room that protocol keeps for bilaterals, with its table layout."""

    __tablename__ = "bilateral_rooms"
    __table_args__ = (UniqueConstraint("room_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("rooms.id", ondelete="CASCADE"))
    seats: Mapped[int] = mapped_column(Integer, default=12)
    layout: Mapped[Layout] = mapped_column(_enum(Layout), default=Layout.square)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    room = relationship("Room")


class BilateralRules(db.Model):
    """One event's rules for bilaterals (protocol's settings)."""

    __tablename__ = "bilateral_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), unique=True)
    longest_minutes: Mapped[int] = mapped_column(Integer, default=60)
    changeover_minutes: Mapped[int] = mapped_column(Integer, default=10)
    opens_at: Mapped[time] = mapped_column(Time, default=time(9))
    closes_at: Mapped[time] = mapped_column(Time, default=time(19))
    # {"2027-04-21": ["10:00", "17:00"]}: days whose hours differ from opens_at/closes_at.
    day_hours: Mapped[dict] = mapped_column(JSON, default=dict)
    daily_cap: Mapped[int] = mapped_column(Integer, default=4)


class Bilateral(db.Model):
    """A meeting one delegation asks of another, from request to a confirmed room."""

    __tablename__ = "bilaterals"
    __table_args__ = (Index("ix_bilaterals_event_state", "event_id", "state"),
                      Index("ix_bilaterals_room_time", "room_id", "starts_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    uid: Mapped[str] = mapped_column(String(36), unique=True, default=lambda: str(uuid.uuid4()))
    requester_id: Mapped[int] = mapped_column(ForeignKey("delegations.id", ondelete="CASCADE"), index=True)
    counterpart_id: Mapped[int] = mapped_column(ForeignKey("delegations.id", ondelete="CASCADE"), index=True)
    state: Mapped[BilateralState] = mapped_column(_enum(BilateralState), default=BilateralState.requested)
    level: Mapped[Level] = mapped_column(_enum(Level, 20), default=Level.minister)
    topic: Mapped[str] = mapped_column(Text, default="")  # confidential
    minutes: Mapped[int] = mapped_column(Integer, default=45)
    # [{"starts_at": iso, "ends_at": iso}] in UTC: when the side whose turn it is may meet.
    windows: Mapped[list] = mapped_column(JSON, default=list)
    requester_size: Mapped[int] = mapped_column(Integer, default=2)
    counterpart_size: Mapped[int] = mapped_column(Integer, default=2)
    languages: Mapped[list] = mapped_column(JSON, default=list)
    # ["en-ru", ...]: the language pairs an interpreter is asked for.
    interpretation: Mapped[list] = mapped_column(JSON, default=list)
    layout: Mapped[Layout] = mapped_column(_enum(Layout), default=Layout.square)
    equipment: Mapped[str] = mapped_column(String(300), default="")
    contact_name: Mapped[str] = mapped_column(String(200), default="")
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    announce_requester: Mapped[bool] = mapped_column(Boolean, default=False)
    announce_counterpart: Mapped[bool] = mapped_column(Boolean, default=False)
    starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    room_id: Mapped[int | None] = mapped_column(ForeignKey("bilateral_rooms.id", ondelete="SET NULL"))
    bump_reason: Mapped[str] = mapped_column(String(300), default="")
    # iCalendar SEQUENCE: raised whenever the time or room changes or the meeting is called off.
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    event = relationship("Event")
    requester = relationship("Delegation", foreign_keys=[requester_id])
    counterpart = relationship("Delegation", foreign_keys=[counterpart_id])
    room = relationship("BilateralRoom")
    attendees = relationship("BilateralAttendee", back_populates="bilateral", cascade="all, delete-orphan",
                             order_by="BilateralAttendee.id")
    interpreters = relationship("InterpreterAssignment", back_populates="bilateral",
                                cascade="all, delete-orphan", order_by="InterpreterAssignment.id")

    @property
    def announced(self) -> bool:
        return self.announce_requester and self.announce_counterpart

    @property
    def state_label(self) -> str:
        return str(STATE_LABELS[self.state])

    @property
    def level_label(self) -> str:
        return str(LEVEL_LABELS[self.level])

    def __repr__(self) -> str:
        return f"<Bilateral {self.id} {self.state.value}>"


class BilateralAttendee(db.Model):
    """A member of one side who takes part (the head of each side is one by default)."""

    __tablename__ = "bilateral_attendees"
    __table_args__ = (UniqueConstraint("bilateral_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    bilateral_id: Mapped[int] = mapped_column(ForeignKey("bilaterals.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    delegation_id: Mapped[int] = mapped_column(ForeignKey("delegations.id", ondelete="CASCADE"))

    bilateral = relationship("Bilateral", back_populates="attendees")
    user = relationship("User")


class InterpreterAssignment(db.Model):
    """An interpreter of the event team given to a bilateral for one language pair."""

    __tablename__ = "bilateral_interpreters"
    __table_args__ = (UniqueConstraint("bilateral_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    bilateral_id: Mapped[int] = mapped_column(ForeignKey("bilaterals.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    pair: Mapped[str] = mapped_column(String(20), default="")

    bilateral = relationship("Bilateral", back_populates="interpreters")
    user = relationship("User")


class BilateralDeputy(db.Model):
    """A member of a delegation its head allows to ask for and answer bilaterals."""

    __tablename__ = "bilateral_deputies"
    __table_args__ = (UniqueConstraint("delegation_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    delegation_id: Mapped[int] = mapped_column(ForeignKey("delegations.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)


class BilateralLock(db.Model):
    """One lock row per room, person or interpreter (`key`, e.g. "room:3", "user:7"):
    a confirmation takes them in key order (see services/booking.lock_keys)."""

    __tablename__ = "bilateral_locks"

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=0)
