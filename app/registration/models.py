"""Registration tables: categories, settings, registrations, notes, questions,
invitations and delegations. Workflows live in services.py."""
from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (DDL, JSON, Boolean, Date, Enum, ForeignKey, Index, Integer, String, Text, UniqueConstraint,
                        event as sa_event, false, text)
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from app.accounts.labels import form_of_address, formal_name
from app.extensions import db
from app.utils.db import UTCDateTime
from app.utils.time import utcnow
from app.utils.translated import Translated, TranslatedText, empty_text


class RegistrationState(str, enum.Enum):
    draft = "draft"            # saved, waiting for the delegate's email to be verified
    submitted = "submitted"    # waiting for an accreditation officer
    approved = "approved"
    rejected = "rejected"
    waitlisted = "waitlisted"
    cancelled = "cancelled"


class ApprovalMode(str, enum.Enum):
    moderated = "moderated"    # an officer approves each registration
    auto = "auto"              # a free place approves at once


class WaitlistMode(str, enum.Enum):
    promote = "promote"        # the first waiting delegate is approved when a place frees
    offer = "offer"            # the place is held for them until they accept it


class QuestionKind(str, enum.Enum):
    text = "text"
    choice = "choice"
    multi = "multi"
    yesno = "yesno"


class InvitationState(str, enum.Enum):
    sent = "sent"
    opened = "opened"
    registered = "registered"
    revoked = "revoked"
    # "expired" is not stored: it follows from expires_at (see Invitation.status).


def _enum(cls, length=12):
    return Enum(cls, native_enum=False, length=length)


class RegistrationSettings(db.Model):
    """Per-event registration settings. Its row is also the event-wide lock when
    the event has a capacity."""

    __tablename__ = "registration_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), unique=True)
    capacity: Mapped[int | None] = mapped_column(Integer)
    waitlist_mode: Mapped[WaitlistMode] = mapped_column(_enum(WaitlistMode), default=WaitlistMode.promote)
    invited_preapproved: Mapped[bool] = mapped_column(Boolean, default=True)
    passport_retention_days: Mapped[int] = mapped_column(Integer, default=30)
    invitation_days: Mapped[int] = mapped_column(Integer, default=21)
    # The public participant list (/e/<slug>/participants): off until the organisers open it.
    participant_list: Mapped[bool] = mapped_column(Boolean, default=False)
    # Bumped under the lock on SQLite, which has no SELECT ... FOR UPDATE.
    lock_version: Mapped[int] = mapped_column(Integer, default=0)

    event = relationship("Event")


class Category(db.Model):
    """A participant category (Government delegation, Media, ...) of one event."""

    __tablename__ = "registration_categories"
    __table_args__ = (UniqueConstraint("event_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    name: Mapped[Translated] = mapped_column(TranslatedText())
    description: Mapped[Translated] = mapped_column(TranslatedText(), default=empty_text)
    approval: Mapped[ApprovalMode] = mapped_column(_enum(ApprovalMode), default=ApprovalMode.moderated)
    invite_only: Mapped[bool] = mapped_column(Boolean, default=False)
    capacity: Mapped[int | None] = mapped_column(Integer)
    # Protocol order: lower ranks come first (heads of state before observers).
    protocol_rank: Mapped[int] = mapped_column(Integer, default=100)
    position: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    lock_version: Mapped[int] = mapped_column(Integer, default=0)

    event = relationship("Event")

    def __repr__(self) -> str:
        return f"<Category {self.id} {self.name}>"


class Delegation(db.Model):
    """The delegates of one country or organisation, led by a head of delegation."""

    __tablename__ = "delegations"
    __table_args__ = (UniqueConstraint("event_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    # One version per language of the event (a country's name is written in each).
    name: Mapped[Translated] = mapped_column(TranslatedText())
    country: Mapped[str] = mapped_column(String(2), default="")
    category_id: Mapped[int | None] = mapped_column(ForeignKey("registration_categories.id", ondelete="SET NULL"))
    head_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    quota: Mapped[int | None] = mapped_column(Integer)
    protocol_rank: Mapped[int] = mapped_column(Integer, default=100)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    event = relationship("Event")
    category = relationship("Category")
    head = relationship("User", foreign_keys=[head_user_id])


class Registration(db.Model):
    """One person's registration for one event.

    `user_id` is empty only for a place a head of delegation holds before the
    name is known. Passport fields exist only for the visa-support letter.
    """

    __tablename__ = "registrations"
    __table_args__ = (
        # At most one live registration per person and event, whatever the code does:
        # two clicks, two tabs or a retried request hit this index, not a second row.
        Index("uq_registrations_event_user_live", "event_id", "user_id", unique=True,
              sqlite_where=text("state != 'cancelled'"), postgresql_where=text("state != 'cancelled'")),
        Index("ix_registrations_event_state", "event_id", "state"),
        Index("ix_registrations_category_place", "category_id", "holds_place"),
        # The dashboards count registrations by category, state and country from this index alone.
        Index("ix_registrations_event_summary", "event_id", "category_id", "state", "country"),
        Index("ix_registrations_event_country", "event_id", "country"),
        Index("ix_registrations_event_state_category", "event_id", "state", "category_id"),
        # The visa-letter page: who asked for a letter (a few in a large event).
        Index("ix_registrations_event_visa", "event_id", "visa_letter_needed", "state"),
        # Likely duplicates (app/registration/duplicates.py): the keys find a row's twins,
        # the flag lists them all without grouping the event's registrations.
        Index("ix_registrations_event_email_key", "event_id", "email_key"),
        Index("ix_registrations_event_person_key", "event_id", "person_key"),
        Index("ix_registrations_event_duplicate", "event_id", "duplicate"),
        # The dashboards read registrations over time and per delegation and state from
        # these indexes alone, never the rows.
        Index("ix_registrations_event_sent", "event_id", "state", "submitted_at", "created_at"),
        Index("ix_registrations_delegation_state", "delegation_id", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("registration_categories.id"))
    delegation_id: Mapped[int | None] = mapped_column(ForeignKey("delegations.id", ondelete="SET NULL"), index=True)
    invitation_id: Mapped[int | None] = mapped_column(ForeignKey("invitations.id", ondelete="SET NULL"))
    # Registered through an invitation link sent to another address: accreditation checks it.
    invitation_other_address: Mapped[bool] = mapped_column(Boolean, default=False)
    state: Mapped[RegistrationState] = mapped_column(_enum(RegistrationState), default=RegistrationState.draft)
    # True while the registration occupies a capacity place: approved, back in review
    # after an approved delegate's change, or a place offered from the waitlist.
    holds_place: Mapped[bool] = mapped_column(Boolean, default=False)

    honorific: Mapped[str] = mapped_column(String(40), default="")
    given_name: Mapped[str] = mapped_column(String(120), default="")
    family_name: Mapped[str] = mapped_column(String(120), default="")
    organisation: Mapped[str] = mapped_column(String(200), default="")
    position: Mapped[str] = mapped_column(String(200), default="")
    country: Mapped[str] = mapped_column(String(2), default="")
    nationality: Mapped[str] = mapped_column(String(2), default="")
    email: Mapped[str] = mapped_column(String(254), default="", index=True)
    phone: Mapped[str] = mapped_column(String(40), default="")
    languages: Mapped[list] = mapped_column(JSON, default=list)
    dietary: Mapped[str] = mapped_column(String(500), default="")
    accessibility: Mapped[str] = mapped_column(String(500), default="")
    arrival_date: Mapped[date | None] = mapped_column(Date)
    departure_date: Mapped[date | None] = mapped_column(Date)
    visa_letter_needed: Mapped[bool] = mapped_column(Boolean, default=False)
    passport_number: Mapped[str] = mapped_column(String(40), default="")
    passport_expiry: Mapped[date | None] = mapped_column(Date)
    date_of_birth: Mapped[date | None] = mapped_column(Date)
    place_of_birth: Mapped[str] = mapped_column(String(120), default="")
    passport_purged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    photo_filename: Mapped[str] = mapped_column(String(80), default="")
    privacy_consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    public_listing: Mapped[bool] = mapped_column(Boolean, default=False)
    answers: Mapped[dict] = mapped_column(JSON, default=dict)

    # Second stage, after approval.
    arrival_flight: Mapped[str] = mapped_column(String(40), default="")
    arrival_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    departure_flight: Mapped[str] = mapped_column(String(40), default="")
    departure_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    hotel: Mapped[str] = mapped_column(String(200), default="")
    airport_transfer: Mapped[bool] = mapped_column(Boolean, default=False)
    # Where the delegate travels from (a city or an IATA code) and how: legs of
    # {"mode", "cabin", "to"} one way ("to" empty on the last: the summit's city).
    travel_origin: Mapped[str] = mapped_column(String(120), default="")
    travel_legs: Mapped[list] = mapped_column(JSON, default=list)
    travel_return: Mapped[bool] = mapped_column(Boolean, default=True)
    travel_updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    travel_reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    waitlisted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    offered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cancel_reason: Mapped[str] = mapped_column(String(500), default="")
    # Order within a delegation for protocol (head of delegation first); lower first.
    protocol_rank: Mapped[int] = mapped_column(Integer, default=100)
    # Badges printed before a substitution or a name change stop being valid.
    badge_version: Mapped[int] = mapped_column(Integer, default=1)
    badge_invalidated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Kept by app/registration/keys.py on every flush: lower-case email, and given
    # name|family name|date of birth, of a live registration (None otherwise); `duplicate`
    # when another live registration of the event shares either; what the searches look
    # in (names, address and organisation in lower case, SEARCH_SEPARATOR between them).
    email_key: Mapped[str | None] = mapped_column(String(254))
    person_key: Mapped[str | None] = mapped_column(String(260))
    duplicate: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    search_text: Mapped[str] = mapped_column(String(700), default="")

    event = relationship("Event")
    user = relationship("User", foreign_keys=[user_id])
    category = relationship("Category")
    delegation = relationship("Delegation", back_populates="registrations")
    invitation = relationship("Invitation", foreign_keys=[invitation_id])

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.given_name, self.family_name) if p)

    @property
    def formal_name(self) -> str:
        return formal_name(self.honorific, self.given_name, self.family_name)

    @validates("honorific")
    def _known_form_of_address(self, key, value):
        # An earlier or typed title ("Mrs", "dr.") is kept as the form of address it stands for.
        return form_of_address(value)

    @property
    def is_live(self) -> bool:
        return self.state != RegistrationState.cancelled

    @property
    def is_placeholder(self) -> bool:
        return self.user_id is None

    def __repr__(self) -> str:
        return f"<Registration {self.id} {self.state.value}>"


# The officers' list and the desk's search look for text "contained" in `search_text`:
# a trigram index on PostgreSQL (it needs pg_trgm, which the migration adds too); on
# SQLite a plain index, which a "contains" search does not use (it reads the rows).
Index("ix_registrations_search_trgm", Registration.search_text, postgresql_using="gin",
      postgresql_ops={"search_text": "gin_trgm_ops"})
sa_event.listen(Registration.__table__, "before_create",
                DDL("CREATE EXTENSION IF NOT EXISTS pg_trgm").execute_if(dialect="postgresql"))


Delegation.registrations = relationship("Registration", back_populates="delegation",
                                        order_by="Registration.id")


class RegistrationNote(db.Model):
    """A note organisers keep on a registration; never shown to the delegate."""

    __tablename__ = "registration_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    author = relationship("User")


class Question(db.Model):
    """A custom question organisers add to the registration form of one event."""

    __tablename__ = "registration_questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    label: Mapped[Translated] = mapped_column(TranslatedText())
    # A line under the label explaining what is asked.
    help: Mapped[Translated] = mapped_column(TranslatedText(), default=empty_text)
    kind: Mapped[QuestionKind] = mapped_column(_enum(QuestionKind), default=QuestionKind.text)
    # Each choice: {"key": stable key, <language>: text, ..., "@": its source language,
    # "@from": {language: fingerprint of the source it was translated from}} (the last two
    # once a choice has been edited or translated); the answers store the key,
    # so a choice reworded or translated keeps what earlier answers meant. (A plain
    # string, as written before choices had languages, is its own key.)
    choices: Mapped[list] = mapped_column(JSON, default=list)
    required: Mapped[bool] = mapped_column(Boolean, default=False)
    position: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    @property
    def choice_items(self) -> list[tuple[str, Translated]]:
        """(key, text in every language) of each choice, in order."""
        items = []
        for item in self.choices or []:
            if isinstance(item, dict):
                # Its versions, the language it was written in ("@") and what each translation
                # was made from ("@from"), so a reworded choice marks its translations stale.
                text = Translated.from_json({k: v for k, v in item.items() if k != "key"})
                # A choice written without a key (per language only) is kept as first written.
                items.append((str(item.get("key") or text.original), text))
            elif item is not None:
                items.append((str(item), Translated.coerce(str(item))))
        return items

    def choice_text(self, key) -> str:
        """The choice stored as `key`, in the reader's language (an unknown key as it is)."""
        for known, text in self.choice_items:
            if known == str(key):
                return str(text)
        return str(key)

    event = relationship("Event")


class Invitation(db.Model):
    """A formal, single-use invitation link sent to one address."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    honorific: Mapped[str] = mapped_column(String(40), default="")
    given_name: Mapped[str] = mapped_column(String(120), default="")
    family_name: Mapped[str] = mapped_column(String(120), default="")
    locale: Mapped[str] = mapped_column(String(8), default="en")
    category_id: Mapped[int] = mapped_column(ForeignKey("registration_categories.id"))
    delegation_id: Mapped[int | None] = mapped_column(ForeignKey("delegations.id", ondelete="SET NULL"))
    # The organisers' personal message, one version per language: each invitee reads theirs.
    message: Mapped[Translated] = mapped_column(TranslatedText(), default=empty_text)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    state: Mapped[InvitationState] = mapped_column(_enum(InvitationState), default=InvitationState.sent)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    sent_count: Mapped[int] = mapped_column(Integer, default=1)
    last_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=utcnow)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    registered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    event = relationship("Event")
    category = relationship("Category")
    delegation = relationship("Delegation")

    @property
    def formal_name(self) -> str:
        return formal_name(self.honorific, self.given_name, self.family_name)

    @validates("honorific")
    def _known_form_of_address(self, key, value):
        # An earlier or typed title ("Mrs", "dr.") is kept as the form of address it stands for.
        return form_of_address(value)

    @property
    def status(self) -> str:
        """sent, opened, registered, revoked or expired (the last one computed)."""
        if self.state in (InvitationState.sent, InvitationState.opened) and self.expires_at <= utcnow():
            return "expired"
        return self.state.value

    @property
    def usable(self) -> bool:
        return self.status in ("sent", "opened")
