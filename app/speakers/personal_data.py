"""The speakers' part of personal data rights (registered with app/privacy in the
wiring). Who spoke in which session stays: it is part of the agenda."""
from __future__ import annotations

from sqlalchemy import select, update

from app.agenda.models import AgendaSession
from app.extensions import db
from app.speakers import uploads
from app.speakers.models import SessionProposal, SlideFile, SpeakerAssignment, SpeakerProfile
from app.utils import storage

PROFILE = ("bio", "links", "available_from", "available_until", "arrival_date", "departure_date", "travel_notes",
           "visa_letter_requested", "nationality", "updated_at")
PRIVATE = {"available_from": None, "available_until": None, "arrival_date": None, "departure_date": None,
           "travel_notes": "", "visa_letter_requested": False, "nationality": ""}


def export(user) -> dict:
    """Profiles, assignments with their sessions, proposed texts and slides: four queries."""
    profiles = db.session.scalars(select(SpeakerProfile).where(SpeakerProfile.user_id == user.id))
    assignments = db.session.execute(
        select(SpeakerAssignment, AgendaSession.title).join(AgendaSession, AgendaSession.id == SpeakerAssignment.session_id)
        .where(SpeakerAssignment.user_id == user.id).order_by(SpeakerAssignment.id)).all()
    proposals = db.session.scalars(select(SessionProposal).where(SessionProposal.author_id == user.id))
    slides = db.session.execute(
        select(SlideFile.original_name, SlideFile.version, SlideFile.created_at)
        .join(SpeakerAssignment, SpeakerAssignment.id == SlideFile.assignment_id)
        .where(SpeakerAssignment.user_id == user.id)).all()
    return {
        "speaker_profiles": [{"event_id": p.event_id, "photo": bool(p.photo_filename),
                              **{f: getattr(p, f) for f in PROFILE}} for p in profiles],
        "speaker_assignments": [{"session": title, "role": a.role.value, "state": a.state.value,
                                 "invited_at": a.invited_at, "answered_at": a.answered_at,
                                 "decline_reason": a.decline_reason, "av_needs": a.av_needs,
                                 "interpretation_needs": a.interpretation_needs, "note": a.note}
                                for a, title in assignments],
        "proposed_texts": [{"session_id": p.session_id, "title": p.title, "abstract": p.abstract,
                            "state": p.state.value, "created_at": p.created_at} for p in proposals],
        "slides": [{"file": name, "version": version, "uploaded_at": at} for name, version, at in slides],
    }


def erase_person(user, pseudonym: str, actor) -> list[str]:
    """Profiles lose bio, photo, links and everything private; assignments their needs and
    reasons. The photo files leave the storage once the erasure commits."""
    for name in db.session.scalars(select(SpeakerProfile.photo_filename).where(
            SpeakerProfile.user_id == user.id, SpeakerProfile.photo_filename != "")):
        key = uploads.photo_key(name)
        if key is not None:
            storage.delete_after_commit(db.session, key)
    db.session.execute(update(SpeakerProfile).where(SpeakerProfile.user_id == user.id).values(
        bio="", photo_filename="", links=[], **PRIVATE))
    db.session.execute(update(SpeakerAssignment).where(SpeakerAssignment.user_id == user.id).values(
        decline_reason="", av_needs="", interpretation_needs="", note=""))
    return []


def anonymise_event(event, actor) -> int:
    """Availability, travel and needs go; the public bio stays with the published agenda."""
    count = db.session.execute(update(SpeakerProfile).where(SpeakerProfile.event_id == event.id)
                               .values(**PRIVATE)).rowcount or 0
    db.session.execute(update(SpeakerAssignment).where(SpeakerAssignment.event_id == event.id).values(
        decline_reason="", av_needs="", interpretation_needs=""))
    return count


def people(event):
    return select(SpeakerAssignment.user_id).where(SpeakerAssignment.event_id == event.id)
