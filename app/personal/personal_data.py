"""The personal agenda's part of personal data rights (registered with app/privacy in
the wiring). Sign-ups stay (the sessions' figures count them); stars and calendar
feeds, which only serve the person, go."""
from __future__ import annotations

from sqlalchemy import delete, select

from app.extensions import db
from app.personal.models import AgendaFeed, AgendaStar, SessionSignup


def export(user) -> dict:
    stars = db.session.execute(select(AgendaStar.event_id, AgendaStar.session_id, AgendaStar.created_at)
                               .where(AgendaStar.user_id == user.id).order_by(AgendaStar.id)).all()
    signups = db.session.scalars(select(SessionSignup).where(SessionSignup.user_id == user.id)
                                 .order_by(SessionSignup.id))
    feeds = db.session.execute(select(AgendaFeed.event_id, AgendaFeed.created_at, AgendaFeed.last_fetched_at)
                               .where(AgendaFeed.user_id == user.id)).all()
    return {
        "starred_sessions": [{"event_id": e, "session_id": s, "at": at} for e, s, at in stars],
        "session_signups": [{"event_id": s.event_id, "session_id": s.session_id, "state": s.state.value,
                             "created_at": s.created_at, "cancelled_at": s.cancelled_at} for s in signups],
        "calendar_feeds": [{"event_id": e, "created_at": c, "last_fetched_at": f} for e, c, f in feeds],
    }


def erase_person(user, pseudonym: str, actor) -> list[str]:
    db.session.execute(delete(AgendaStar).where(AgendaStar.user_id == user.id))
    db.session.execute(delete(AgendaFeed).where(AgendaFeed.user_id == user.id))
    return []


def anonymise_event(event, actor) -> int:
    stars = db.session.execute(delete(AgendaStar).where(AgendaStar.event_id == event.id)).rowcount or 0
    feeds = db.session.execute(delete(AgendaFeed).where(AgendaFeed.event_id == event.id)).rowcount or 0
    return stars + feeds
