"""Erasure requests stay single under parallel requests: one pending request per
person, and one erasure however many hands act on it at once (PostgreSQL locks rows;
SQLite runs one write at a time anyway)."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.privacy import services as privacy
from app.privacy.models import ErasureRequest, ErasureState
from tests.factories import make_user, run_in_threads


def _user_job(user_id, action):
    def job():
        from app.accounts.models import User

        user = db.session.get(User, user_id)
        action(user)
        db.session.commit()
    return job


@pytest.mark.slow
def test_a_request_sent_many_times_at_once_is_recorded_once(app, is_postgres):
    user = make_user()
    db.session.commit()
    errors = run_in_threads(app, [_user_job(user.id, lambda u: privacy.request_erasure(u, actor=u))
                                  for _ in range(6)])
    assert all(isinstance(e, privacy.PrivacyError) for e in errors), errors
    pending = db.session.scalar(select(func.count(ErasureRequest.id)).where(
        ErasureRequest.user_id == user.id, ErasureRequest.state == ErasureState.pending))
    assert pending == 1 and len(errors) == 5


@pytest.mark.slow
def test_the_secretariat_and_the_daily_command_erase_a_person_once(app, is_postgres):
    user = make_user()
    req = privacy.request_erasure(user, actor=user)
    db.session.commit()
    req_id = req.id

    def erase():
        privacy.erase(db.session.get(ErasureRequest, req_id), actor=None)
        db.session.commit()

    errors = run_in_threads(app, [erase for _ in range(4)])
    assert len(errors) == 3 and all(isinstance(e, privacy.PrivacyError) for e in errors), errors
    db.session.expire_all()
    assert db.session.get(ErasureRequest, req_id).state == ErasureState.done
    from tests.factories import audit_actions

    assert audit_actions().count("privacy.erased") == 1
