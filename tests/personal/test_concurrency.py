"""Concurrent sign-ups for a full workshop through real threads, each with its own app
context, session and database connection; and the control run without the lock."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.personal import services
from app.personal.models import SessionSignup, SignupState
from tests.checkin.conftest import make_delegate
from tests.factories import run_in_threads

THREADS = 30
CAPACITY = 8


def _sign_up_all(app, summit, agenda):
    from app.agenda.models import AgendaSession

    event, cats = summit
    workshop = db.session.get(AgendaSession, agenda["workshop"].id)
    workshop.capacity = CAPACITY
    from app.agenda.services import publish_agenda

    publish_agenda(event, actor=None)
    people = [make_delegate(event, cats["expert"], given=f"P{n}", family="Thread", photo=False)
              for n in range(THREADS)]
    db.session.commit()
    event_id, session_id = event.id, workshop.id
    pairs = [(r.id, r.user_id) for r in people]

    def job_for(registration_id, user_id):
        def job():
            from app.accounts.models import User
            from app.events.models import Event
            from app.registration.models import Registration

            event_ = db.session.get(Event, event_id)
            view = services.delegate_agenda(event_, db.session.get(Registration, registration_id))
            services.sign_up_for_workshop(event_, db.session.get(User, user_id), view, session_id,
                             actor=db.session.get(User, user_id))
            db.session.commit()
        return job

    errors = run_in_threads(app, [job_for(*pair) for pair in pairs])
    db.session.expire_all()
    counts = dict(db.session.execute(select(SessionSignup.state, func.count(SessionSignup.id))
                                     .where(SessionSignup.session_id == session_id)
                                     .group_by(SessionSignup.state)).tuples().all())
    return counts, errors


@pytest.mark.slow
def test_concurrent_sign_ups_never_exceed_the_capacity(app, summit, agenda):
    counts, errors = _sign_up_all(app, summit, agenda)
    assert errors == []
    assert counts == {SignupState.confirmed: CAPACITY, SignupState.waitlisted: THREADS - CAPACITY}


@pytest.mark.slow
def test_concurrent_sign_ups_overbook_without_the_lock(app, summit, agenda, leave_out_locks):
    """Control run, on both databases: proves the test above would see the race if the lock were missing."""
    leave_out_locks("signups")
    counts, errors = _sign_up_all(app, summit, agenda)
    # Unlocked SQLite writers may also be refused outright ("database is locked").
    assert all("locked" in str(e) for e in errors), errors
    assert counts.get(SignupState.confirmed, 0) > CAPACITY
