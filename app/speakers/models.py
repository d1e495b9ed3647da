"""Speaker tables: assignments to sessions, per-event speaker profiles, proposed
session texts and slide files. Workflows live in services.py.

The agenda reads `SpeakerAssignment` (session_id, user_id, state, role,
position, user) to list confirmed speakers and to find speakers due in two
places at once; keep those names.
"""
from __future__ import annotations

import enum
from datetime import date, datetime

from flask_babel import lazy_gettext as _l, lazy_pgettext
from sqlalchemy import (JSON, Boolean, Date, Enum, ForeignKey, Index, Integer, String, Text, UniqueConstraint)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.utils.db import UTCDateTime
from app.utils.time import utcnow
from app.utils.translated import Translated, TranslatedText, empty_text


class AssignmentRole(enum.StrEnum):
    """What a person does in a session. A StrEnum, so str(role) is its value in feeds."""

    keynote = "keynote"
    chair = "chair"
    panelist = "panelist"
    presenter = "presenter"
    rapporteur = "rapporteur"


ROLE_LABELS = {
    AssignmentRole.keynote: _l("Keynote speaker"),
    AssignmentRole.chair: _l("Chair / moderator"),
    AssignmentRole.panelist: _l("Panelist"),
    AssignmentRole.presenter: _l("Presenter"),
    AssignmentRole.rapporteur: _l("Rapporteur"),
}


class AssignmentState(str, enum.Enum):
    invited = "invited"        # waiting for the speaker's answer
    accepted = "accepted"      # confirmed: shown on the public agenda
    declined = "declined"      # said no (with a reason)
    withdrawn = "withdrawn"    # said yes, then stepped back


STATE_LABELS = {
    AssignmentState.invited: _l("Invited"),
    AssignmentState.accepted: _l("Accepted"),
    AssignmentState.declined: _l("Declined"),
    AssignmentState.withdrawn: _l("Withdrawn"),
}

# The states in which a speaker is still due in the session (conflicts, reminders).
BUSY_STATES = (AssignmentState.invited, AssignmentState.accepted)


class ProposalState(str, enum.Enum):
    pending = "pending"
    approved = "approved"
    rejected = "rejected"


PROPOSAL_LABELS = {
    ProposalState.pending: _l("Waiting for the programme team"),
    ProposalState.approved: lazy_pgettext("proposal state", "Approved"),
    ProposalState.rejected: lazy_pgettext("proposal state", "Rejected"),
}


def _enum(cls, length=16):
    return Enum(cls, native_enum=False, length=length)


class SpeakerAssignment(db.Model):
    """One person's part in one agenda session."""

    __tablename__ = "speaker_assignments"
    __table_args__ = (
        UniqueConstraint("session_id", "user_id"),
        Index("ix_speaker_assignments_event_state", "event_id", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    session_id: Mapped[int] = mapped_column(ForeignKey("agenda_sessions.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[AssignmentRole] = mapped_column(_enum(AssignmentRole), default=AssignmentRole.panelist)
    # Order within the session: lower first (the chair usually 0).
    position: Mapped[int] = mapped_column(Integer, default=0)
    # For organisers only; never shown to the speaker or the public.
    note: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[AssignmentState] = mapped_column(_enum(AssignmentState), default=AssignmentState.invited)
    decline_reason: Mapped[str] = mapped_column(String(500), default="")
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    invited_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reminder_count: Mapped[int] = mapped_column(Integer, default=0)
    # The emailed answer link carries this value; it is cleared once the link is used,
    # which makes every link sent for this invitation single-use.
    link_nonce: Mapped[str | None] = mapped_column(String(32))
    av_needs: Mapped[str] = mapped_column(String(1000), default="")
    interpretation_needs: Mapped[str] = mapped_column(String(500), default="")
    # The speaker lets registered delegates download their slides.
    slides_public: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    event = relationship("Event")
    session = relationship("AgendaSession")
    user = relationship("User", foreign_keys=[user_id])
    invited_by = relationship("User", foreign_keys=[invited_by_id])

    @property
    def is_open(self) -> bool:
        return self.state == AssignmentState.invited

    @property
    def role_label(self) -> str:
        return str(ROLE_LABELS.get(self.role, self.role))

    @property
    def state_label(self) -> str:
        return str(STATE_LABELS.get(self.state, self.state))

    def __repr__(self) -> str:
        return f"<SpeakerAssignment {self.id} {self.state.value}>"


class SpeakerProfile(db.Model):
    """What a speaker tells one event: public bio, photo and links, and the
    private part (availability, travel). Name, title, position, organisation
    and country live on the account."""

    __tablename__ = "speaker_profiles"
    __table_args__ = (UniqueConstraint("event_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    bio: Mapped[Translated] = mapped_column(TranslatedText(), default=empty_text)  # Markdown source
    photo_filename: Mapped[str] = mapped_column(String(80), default="")
    links: Mapped[list] = mapped_column(JSON, default=list)
    available_from: Mapped[date | None] = mapped_column(Date)
    available_until: Mapped[date | None] = mapped_column(Date)
    arrival_date: Mapped[date | None] = mapped_column(Date)
    departure_date: Mapped[date | None] = mapped_column(Date)
    travel_notes: Mapped[str] = mapped_column(String(1000), default="")
    visa_letter_requested: Mapped[bool] = mapped_column(Boolean, default=False)
    nationality: Mapped[str] = mapped_column(String(2), default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    event = relationship("Event")
    user = relationship("User")


class SessionProposal(db.Model):
    """A speaker's proposed title and abstract for a session, until the programme
    team approves (the session takes the text) or rejects it."""

    __tablename__ = "speaker_proposals"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("agenda_sessions.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(300))
    abstract: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[ProposalState] = mapped_column(_enum(ProposalState), default=ProposalState.pending)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decision_note: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    event = relationship("Event")
    session = relationship("AgendaSession")
    author = relationship("User", foreign_keys=[author_id])
    decided_by = relationship("User", foreign_keys=[decided_by_id])

    @property
    def state_label(self) -> str:
        return str(PROPOSAL_LABELS.get(self.state, self.state))


class SlideFile(db.Model):
    """One uploaded version of a speaker's slides. Versions are kept; the file
    lives under UPLOAD_DIR with a generated name, never the uploaded one."""

    __tablename__ = "speaker_slides"
    __table_args__ = (UniqueConstraint("assignment_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("speaker_assignments.id", ondelete="CASCADE"), index=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    version: Mapped[int] = mapped_column(Integer)
    original_name: Mapped[str] = mapped_column(String(160))  # cleaned, for the download name only
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    kind: Mapped[str] = mapped_column(String(8))  # pdf | pptx | odp
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    event = relationship("Event")
    assignment = relationship("SpeakerAssignment")
    uploaded_by = relationship("User")
