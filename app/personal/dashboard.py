"""Sign-up figures for the organiser reports, one aggregate query."""
from __future__ import annotations

from collections import defaultdict

from sqlalchemy import func, select

from app.extensions import db
from app.personal.models import SessionSignup, SignupState


def signup_counts(event) -> dict[int, dict[SignupState, int]]:
    """{session id: {state: sign-ups}} of the event's sessions."""
    result: dict[int, dict[SignupState, int]] = defaultdict(lambda: {s: 0 for s in SignupState})
    for session_id, state, n in db.session.execute(
            select(SessionSignup.session_id, SessionSignup.state, func.count(SessionSignup.id))
            .where(SessionSignup.event_id == event.id)
            .group_by(SessionSignup.session_id, SessionSignup.state)):
        result[session_id][state] = n
    return dict(result)
