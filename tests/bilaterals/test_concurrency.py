"""Two confirmations racing for one room at one time, through real threads with their own
connections: exactly one wins. The control run leaves the lock out and must double-book,
which proves the test can see the race. On PostgreSQL only: SQLite lets one writer in at a
time whatever the code does."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from app.bilaterals import services
from app.bilaterals.services import slots
from app.bilaterals.models import Bilateral, BilateralState as S
from app.extensions import db
from tests.bilaterals.conftest import accepted, at
from tests.factories import run_in_threads

pytestmark = [pytest.mark.postgres_only, pytest.mark.slow]


@pytest.fixture(autouse=True)
def _postgres_only(is_postgres):
    if not is_postgres:
        pytest.skip("needs PostgreSQL")


def _race(app, world, before=None):
    first = accepted(world)  # Pakistan - Kazakhstan, 12:00 on day 2
    second = accepted(world, "uz", "tm", windows=[(at(12, 0, 1), at(12, 45, 1))])
    assert first.starts_at == second.starts_at
    room_id, protocol_id = world.rooms["small"].id, world.protocol.id
    ids = [first.id, second.id]
    db.session.commit()
    if before is not None:
        before()

    def job_for(bilateral_id):
        def job():
            from app.accounts.models import User
            from app.bilaterals.models import BilateralRoom

            bilateral = db.session.get(Bilateral, bilateral_id)
            services.confirm(bilateral, db.session.get(BilateralRoom, room_id),
                             actor=db.session.get(User, protocol_id))
            db.session.commit()
        return job

    errors = run_in_threads(app, [job_for(i) for i in ids])
    db.session.expire_all()
    booked = list(db.session.scalars(select(Bilateral).where(Bilateral.id.in_(ids),
                                                             Bilateral.state == S.confirmed)))
    return booked, errors


def test_two_confirmations_of_one_room_and_time_exactly_one_wins(app, world):
    booked, errors = _race(app, world)
    assert len(booked) == 1
    assert len(errors) == 1 and isinstance(errors[0], services.BilateralRefusal)
    assert "room is taken" in str(errors[0].message)


def test_without_the_lock_both_confirmations_double_book(app, world, leave_out_locks, monkeypatch):
    """Both read the calendar before either writes (a barrier makes sure of it, whatever the
    machine's load): without the lock nothing stops the second booking."""
    leave_out_locks("bilaterals")
    barrier = threading.Barrier(2, timeout=30)
    read = slots.load_calendar

    def read_together(event):
        calendar = read(event)
        barrier.wait()
        return calendar

    booked, errors = _race(app, world, before=lambda: monkeypatch.setattr(slots, "load_calendar", read_together))
    assert errors == []
    assert len(booked) == 2 and booked[0].room_id == booked[1].room_id
