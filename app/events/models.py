from __future__ import annotations

import enum
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import JSON, Boolean, Date, Enum, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.utils.db import UTCDateTime
from app.utils.time import utcnow
from app.utils.translated import Translated, TranslatedText, empty_text


class Event(db.Model):
    """One summit edition, e.g. the Regional Ecological Summit 2027."""

    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    # Texts the public reads, one version per language of the event (app/utils/translated.py).
    title: Mapped[Translated] = mapped_column(TranslatedText())
    short_title: Mapped[Translated] = mapped_column(TranslatedText(), default=empty_text)
    description: Mapped[Translated] = mapped_column(TranslatedText(), default=empty_text)
    venue: Mapped[Translated] = mapped_column(TranslatedText(), default=empty_text)
    city: Mapped[Translated] = mapped_column(TranslatedText(), default=empty_text)
    country: Mapped[str] = mapped_column(String(2), default="")
    timezone: Mapped[str] = mapped_column(String(64), default="Asia/Almaty")
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    # The languages its texts are written in; the first is the default (required in every form).
    languages: Mapped[list] = mapped_column(JSON, default=lambda: ["en", "ru", "kk"])
    registration_opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    registration_closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    published: Mapped[bool] = mapped_column(Boolean, default=False)
    primary_colour: Mapped[str] = mapped_column(String(7), default="#0b5d3b")
    accent_colour: Mapped[str] = mapped_column(String(7), default="#1f6fb2")
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    # What the event does with personal data, in Markdown; shown at /e/<slug>/privacy.
    privacy_notice: Mapped[Translated] = mapped_column(TranslatedText(), default=empty_text)
    # Getting there, accommodation, dress code...: shown on the event page, in Markdown.
    practical_info: Mapped[Translated] = mapped_column(TranslatedText(), default=empty_text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    roles = relationship("EventRole", back_populates="event", cascade="all, delete-orphan")

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def default_language(self) -> str:
        return (self.languages or ["en"])[0]

    @property
    def registration_is_open(self) -> bool:
        now = utcnow()
        if self.registration_opens_at and now < self.registration_opens_at:
            return False
        if self.registration_closes_at and now >= self.registration_closes_at:
            return False
        return True

    def __repr__(self) -> str:
        return f"<Event {self.slug}>"


class EventRoleName(str, enum.Enum):
    """Organiser roles held within one event. Speaker and delegate are not roles:
    they follow from assignments and registrations."""

    secretariat = "secretariat"
    programme = "programme"
    accreditation = "accreditation"
    protocol = "protocol"
    checkin = "checkin"
    viewer = "viewer"


class EventRole(db.Model):
    __tablename__ = "event_roles"
    __table_args__ = (UniqueConstraint("event_id", "user_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[EventRoleName] = mapped_column(Enum(EventRoleName, native_enum=False, length=20))
    # For a `programme` role: the track ids this holder may edit; empty means all tracks.
    track_ids: Mapped[list] = mapped_column(JSON, default=list)
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    event = relationship("Event", back_populates="roles")
    user = relationship("User", back_populates="event_roles", foreign_keys=[user_id])
