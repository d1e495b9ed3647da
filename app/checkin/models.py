"""On-site tables: badges and their signing keys, check-ins, offline desks and their
uploaded scans, and visa-support letters. Workflows live in
the services package; badges.py draws the badges.

Agenda sessions are referenced by id without a foreign key (a check-in into a
session outlives the session's draft).
"""
from __future__ import annotations

import enum
import secrets
from datetime import date, datetime

from sqlalchemy import (JSON, Boolean, Date, Enum, ForeignKey, Index, Integer, LargeBinary, String, Text,
                        UniqueConstraint, false)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.utils.db import UTCDateTime
from app.utils.time import utcnow
from app.utils.translated import Translated, TranslatedText, empty_text

# Short codes are typed by hand at the desk: no 0/O, 1/I/L, 5/S or 8/B to confuse.
SHORT_CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY234679"


def new_public_id() -> str:
    return secrets.token_urlsafe(12)


def new_short_code() -> str:
    return "".join(secrets.choice(SHORT_CODE_ALPHABET) for _ in range(8))


def _enum(cls, length=12):
    return Enum(cls, native_enum=False, length=length)


class BadgeSize(str, enum.Enum):
    a6 = "a6"          # 105 x 148 mm, a pouch badge
    a7 = "a7"          # 74 x 105 mm
    cr80 = "cr80"      # 54 x 85.6 mm, a plastic card


class OnsiteSettings(db.Model):
    """Per-event badge and letter settings (created with defaults when first read)."""

    __tablename__ = "onsite_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), unique=True)
    badge_size: Mapped[BadgeSize] = mapped_column(_enum(BadgeSize, 8), default=BadgeSize.a6)
    # {category id (as text): "#rrggbb"}; categories without an entry get a colour by position.
    category_colours: Mapped[dict] = mapped_column(JSON, default=dict)
    # The languages a badge prints its category in (one or two of the event's languages; empty:
    # the event's default language).
    badge_languages: Mapped[list] = mapped_column(JSON, default=list)
    # Offline desks download a small photo of each delegate with the roster (off: names only).
    desk_photos: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # The letterhead, the signatory and the addressed consulate, one version per letter
    # language; empty means the event's name and venue, no signatory, the built-in addressee.
    letter_organisation: Mapped[Translated] = mapped_column(TranslatedText(), default=empty_text)
    letter_address: Mapped[Translated] = mapped_column(TranslatedText(), default=empty_text)
    letter_signatory: Mapped[Translated] = mapped_column(TranslatedText(), default=empty_text)
    letter_signatory_title: Mapped[Translated] = mapped_column(TranslatedText(), default=empty_text)
    letter_addressee: Mapped[Translated] = mapped_column(TranslatedText(), default=empty_text)
    # The letter's text with {placeholders}, per language; a language left empty uses the built-in text.
    letter_body: Mapped[Translated] = mapped_column(TranslatedText(), default=empty_text)
    lock_version: Mapped[int] = mapped_column(Integer, default=0)

    event = relationship("Event")


class Badge(db.Model):
    """The badge of one registration.

    `public_id` names the registration in QR codes (never the database id);
    `version` follows `Registration.badge_version`, and `short_code` is drawn
    anew with every version, so a re-issued badge's old QR and code stop working.
    """

    __tablename__ = "badges"
    __table_args__ = (UniqueConstraint("event_id", "short_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id", ondelete="CASCADE"), unique=True)
    public_id: Mapped[str] = mapped_column(String(24), unique=True, default=new_public_id)
    short_code: Mapped[str] = mapped_column(String(8), default=new_short_code)
    version: Mapped[int] = mapped_column(Integer, default=1)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    reissued_count: Mapped[int] = mapped_column(Integer, default=0)
    printed_count: Mapped[int] = mapped_column(Integer, default=0)
    last_printed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    event = relationship("Event")
    registration = relationship("Registration")

    @property
    def display_code(self) -> str:
        return f"{self.short_code[:4]}-{self.short_code[4:]}"


class CheckInMethod(str, enum.Enum):
    qr = "qr"
    code = "code"
    search = "search"


class CheckIn(db.Model):
    """A person admitted at the entrance (`scope` "venue") or to one session
    (`scope` "s<id>") on one day of the event. The unique key makes a repeated
    scan find the first check-in instead of adding another."""

    __tablename__ = "checkins"
    __table_args__ = (
        UniqueConstraint("registration_id", "scope", "day"),
        Index("ix_checkins_event_scope_day", "event_id", "scope", "day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id", ondelete="CASCADE"))
    scope: Mapped[str] = mapped_column(String(16), default="venue")
    session_id: Mapped[int | None] = mapped_column(Integer)
    day: Mapped[date] = mapped_column(Date)  # in the event's time zone
    checked_in_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    checked_in_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    method: Mapped[CheckInMethod] = mapped_column(_enum(CheckInMethod, 8), default=CheckInMethod.qr)
    badge_version: Mapped[int] = mapped_column(Integer, default=1)

    registration = relationship("Registration")
    checked_in_by = relationship("User")


class LetterState(str, enum.Enum):
    issued = "issued"
    superseded = "superseded"   # a newer letter was generated for the same person
    revoked = "revoked"


class VisaLetter(db.Model):
    """One visa-support letter as issued. The holder's name and the validity are
    kept as printed, so verification answers about this letter even after the
    registration changes or its passport data is deleted."""

    __tablename__ = "visa_letters"
    __table_args__ = (UniqueConstraint("event_id", "reference"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id", ondelete="CASCADE"), index=True)
    public_id: Mapped[str] = mapped_column(String(24), unique=True, default=new_public_id)
    reference: Mapped[str] = mapped_column(String(40))
    state: Mapped[LetterState] = mapped_column(_enum(LetterState), default=LetterState.issued)
    holder_name: Mapped[str] = mapped_column(String(300))
    valid_until: Mapped[date] = mapped_column(Date)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoke_reason: Mapped[str] = mapped_column(String(300), default="")

    event = relationship("Event")
    registration = relationship("Registration")
    issued_by = relationship("User")


class BadgeKey(db.Model):
    """An Ed25519 key that signs an event's badges. The newest one not retired signs;
    every one not revoked still opens the badges it signed (printed badges outlive a
    rotation). Desks receive only the public half."""

    __tablename__ = "badge_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    key_id: Mapped[str] = mapped_column(String(16), unique=True)
    private_key: Mapped[bytes] = mapped_column(LargeBinary(32))
    public_key: Mapped[bytes] = mapped_column(LargeBinary(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime())   # signs no more
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())   # its badges are refused


class Desk(db.Model):
    """A device working as an offline check-in desk of one event, with its own token
    (only its hash is kept). A revoked desk's token opens nothing but the upload of
    the scans it still holds."""

    __tablename__ = "checkin_desks"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_contact_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    roster_synced_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    queue_length: Mapped[int] = mapped_column(Integer, default=0)     # scans the desk said it still holds
    clock_skew_seconds: Mapped[int | None] = mapped_column(Integer)   # device clock minus server clock
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    wiped_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # told to wipe its roster after revocation

    event = relationship("Event")
    issued_by = relationship("User", foreign_keys=[issued_by_id])


class DeskScan(db.Model):
    """One scan uploaded by a desk, kept once per client nonce: a replayed batch finds
    its rows here and changes nothing. `status` is what the desk answered (offline);
    `outcome` what the server made of it; `conflict` marks a scan the desk admitted
    while the person had already come in elsewhere, or whose badge was no longer valid."""

    __tablename__ = "checkin_desk_scans"
    __table_args__ = (UniqueConstraint("desk_id", "nonce"), Index("ix_desk_scans_event_conflict", "event_id", "conflict"))

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    desk_id: Mapped[int] = mapped_column(ForeignKey("checkin_desks.id", ondelete="CASCADE"), index=True)
    nonce: Mapped[str] = mapped_column(String(64))
    registration_id: Mapped[int | None] = mapped_column(ForeignKey("registrations.id", ondelete="SET NULL"))
    checkin_id: Mapped[int | None] = mapped_column(ForeignKey("checkins.id", ondelete="SET NULL"))
    badge_version: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))
    outcome: Mapped[str] = mapped_column(String(16))
    conflict: Mapped[bool] = mapped_column(Boolean, default=False)
    from_revoked_desk: Mapped[bool] = mapped_column(Boolean, default=False)
    device_time: Mapped[datetime] = mapped_column(UTCDateTime())      # as the desk's clock said
    scanned_at: Mapped[datetime] = mapped_column(UTCDateTime())       # corrected by the desk's skew
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    skew_seconds: Mapped[int] = mapped_column(Integer, default=0)

    desk = relationship("Desk")
    registration = relationship("Registration")
