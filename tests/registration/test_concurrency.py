"""Concurrent submissions through real threads, each with its own app context,
session and database connection."""
from __future__ import annotations

import time

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.registration import services
from app.registration.models import ApprovalMode, Registration, RegistrationState as S
from tests.factories import make_category, make_event, make_user, run_in_threads
from tests.registration.conftest import details

THREADS = 50
CAPACITY = 20


@pytest.fixture(autouse=True)
def slow_place_counts(app):
    """Make every count of held places take a little longer, as on a busy database
    server: the window between counting and committing widens, so a missing lock
    shows reliably however the threads happen to be scheduled."""
    from sqlalchemy import event

    def pause(conn, cursor, statement, parameters, context, executemany):
        if "count(registrations.id)" in statement and "holds_place" in statement:
            time.sleep(0.02)

    event.listen(db.engine, "after_cursor_execute", pause)
    yield
    event.remove(db.engine, "after_cursor_execute", pause)


def _submit_all(app):
    event = make_event()
    category = make_category(event, approval=ApprovalMode.auto, capacity=CAPACITY)
    services.settings_for(event)
    users = [make_user() for _ in range(THREADS)]
    db.session.commit()
    event_id, category_id = event.id, category.id
    user_ids = [u.id for u in users]

    def job_for(user_id):
        def job():
            from app.accounts.models import User
            from app.events.models import Event
            from app.registration.models import Category

            user = db.session.get(User, user_id)
            services.create_registration(db.session.get(Event, event_id), user, details(),
                                         category=db.session.get(Category, category_id), actor=user)
            db.session.commit()
        return job

    errors = run_in_threads(app, [job_for(uid) for uid in user_ids])
    db.session.expire_all()
    counts = dict(db.session.execute(select(Registration.state, func.count(Registration.id))
                                     .where(Registration.event_id == event_id)
                                     .group_by(Registration.state)).tuples().all())
    people = db.session.scalar(select(func.count(func.distinct(Registration.user_id)))
                               .where(Registration.event_id == event_id))
    return counts, people, errors


@pytest.mark.slow
def test_concurrent_submissions_never_exceed_capacity(app):
    counts, people, errors = _submit_all(app)
    assert errors == []
    assert counts == {S.approved: CAPACITY, S.waitlisted: THREADS - CAPACITY}
    assert people == THREADS


@pytest.mark.slow
def test_concurrent_submissions_overbook_without_the_lock(app, leave_out_locks, is_postgres):
    """Control run: proves the test above would see the race if the lock were missing."""
    if not is_postgres:
        pytest.skip("SQLite runs one write transaction at a time and a submission inserts its row before "
                    "counting places, so even unlocked submissions cannot race there; the approval control "
                    "run below shows the SQLite lock at work.")
    leave_out_locks("places")
    counts, people, errors = _submit_all(app)
    assert errors == []
    assert counts.get(S.approved, 0) > CAPACITY


def _approve_all(app):
    """50 officers approve 50 submitted registrations of a moderated category at once."""
    event = make_event()
    category = make_category(event, capacity=CAPACITY)
    registrations = [services.create_registration(event, u, details(), category=category, actor=u)
                     for u in (make_user() for _ in range(THREADS))]
    officers = [make_user() for _ in range(THREADS)]
    db.session.commit()
    pairs = [(r.id, o.id) for r, o in zip(registrations, officers)]
    event_id = event.id

    def job_for(registration_id, officer_id):
        def job():
            from app.accounts.models import User

            services.approve_registration(db.session.get(Registration, registration_id),
                                          actor=db.session.get(User, officer_id))
            db.session.commit()
        return job

    errors = run_in_threads(app, [job_for(*pair) for pair in pairs])
    db.session.expire_all()
    counts = dict(db.session.execute(select(Registration.state, func.count(Registration.id))
                                     .where(Registration.event_id == event_id)
                                     .group_by(Registration.state)).tuples().all())
    return counts, errors


@pytest.mark.slow
def test_concurrent_approvals_never_exceed_capacity(app):
    counts, errors = _approve_all(app)
    assert errors == []
    assert counts == {S.approved: CAPACITY, S.waitlisted: THREADS - CAPACITY}


@pytest.mark.slow
def test_concurrent_approvals_overbook_without_the_lock(app, leave_out_locks):
    """Control run of the approvals, on both databases."""
    leave_out_locks("places")
    counts, errors = _approve_all(app)
    # Unlocked SQLite writers may also be refused outright ("database is locked").
    assert all("locked" in str(e) for e in errors), errors
    assert counts.get(S.approved, 0) > CAPACITY


@pytest.mark.slow
def test_double_submit_from_two_tabs_creates_one_registration(app):
    event = make_event()
    category = make_category(event)
    user = make_user()
    db.session.commit()
    event_id, category_id, user_id = event.id, category.id, user.id
    outcomes = []

    def job():
        from app.accounts.models import User
        from app.events.models import Event
        from app.registration.models import Category

        person = db.session.get(User, user_id)
        try:
            services.create_registration(db.session.get(Event, event_id), person, details(),
                                         category=db.session.get(Category, category_id), actor=person)
            db.session.commit()
            outcomes.append("created")
        except services.AlreadyRegistered:
            db.session.rollback()
            outcomes.append("refused")

    errors = run_in_threads(app, [job] * 5)
    assert errors == []
    assert sorted(outcomes) == ["created"] + ["refused"] * 4
    assert db.session.scalar(select(func.count(Registration.id)).where(Registration.user_id == user_id)) == 1


@pytest.mark.slow
def test_one_invitation_used_at_once_by_several_people_registers_one(app):
    """A forwarded link clicked by several people at the same moment: the
    invitation is used exactly once, the others are told it was used."""
    from app.registration.models import Invitation, InvitationState

    event = make_event()
    category = make_category(event, invite_only=True)
    invitation = services.create_invitation(event, email="minister@example.gov", category=category,
                                            actor=make_user())
    users = [make_user() for _ in range(8)]
    db.session.commit()
    invitation_id, user_ids = invitation.id, [u.id for u in users]
    outcomes = []

    def job_for(user_id):
        def job():
            from app.accounts.models import User

            person = db.session.get(User, user_id)
            try:
                services.register_invited(db.session.get(Invitation, invitation_id), person, details(),
                                          actor=person)
                db.session.commit()
                outcomes.append("registered")
            except services.RegistrationError:
                db.session.rollback()
                outcomes.append("refused")
        return job

    errors = run_in_threads(app, [job_for(uid) for uid in user_ids])
    assert errors == []
    assert sorted(outcomes) == ["refused"] * 7 + ["registered"]
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Registration.id)).where(Registration.event_id == event.id)) == 1
    assert db.session.get(Invitation, invitation_id).state == InvitationState.registered
