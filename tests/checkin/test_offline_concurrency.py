"""Replays of one desk's batch and two desks' uploads at the same moment, through real
threads with their own connections: each nonce is kept once, each person checked in
once a day, and the second admission listed as one conflict."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from app.checkin import services
from app.checkin.models import CheckIn, Desk, DeskScan
from app.events.models import Event
from app.extensions import db
from tests.checkin.conftest import make_delegate
from tests.factories import run_in_threads

REPLAYS = 8
SCANNED = datetime(2027, 4, 21, 4, 0, tzinfo=UTC)


def _world(summit, staff, desks=1, people=20):
    event, cats = summit
    registrations = [make_delegate(event, cats["expert"], given=f"P{i}", family="Delegate", photo=False)
                     for i in range(people)]
    tokens = [services.token_for(services.ensure_badge(r), event) for r in registrations]
    made = [services.issue_desk(event, f"Desk {i}", actor=staff["checkin"])[0] for i in range(desks)]
    db.session.commit()
    return event.id, [d.id for d in made], tokens


def _upload_job(event_id, desk_id, batch):
    def job():
        event, desk = db.session.get(Event, event_id), db.session.get(Desk, desk_id)
        services.upload(event, desk, {"sent_at": SCANNED.isoformat(), "scans": batch})
        db.session.commit()
    return job


@pytest.mark.slow
def test_concurrent_replays_of_one_batch_record_each_scan_once(app, summit, staff, clock):
    clock.set(SCANNED)
    event_id, (desk_id,), tokens = _world(summit, staff)
    batch = [{"nonce": f"replay-{i:06d}", "token": t, "status": "admitted", "scanned_at": SCANNED.isoformat()}
             for i, t in enumerate(tokens)]
    errors = run_in_threads(app, [_upload_job(event_id, desk_id, batch) for _ in range(REPLAYS)])
    assert errors == []
    db.session.expire_all()
    assert db.session.scalar(select(func.count(DeskScan.id))) == len(tokens)
    assert db.session.scalar(select(func.count(CheckIn.id))) == len(tokens)
    assert db.session.scalar(select(func.count(DeskScan.id)).where(DeskScan.conflict.is_(True))) == 0


@pytest.mark.slow
def test_two_desks_uploading_the_same_badges_at_once_check_in_once(app, summit, staff, clock):
    clock.set(SCANNED)
    event_id, desk_ids, tokens = _world(summit, staff, desks=2)
    jobs = [_upload_job(event_id, desk_id,
                        [{"nonce": f"d{desk_id}-{i:06d}", "token": t, "status": "admitted",
                          "scanned_at": SCANNED.isoformat()} for i, t in enumerate(tokens)])
            for desk_id in desk_ids]
    assert run_in_threads(app, jobs) == []
    db.session.expire_all()
    assert db.session.scalar(select(func.count(CheckIn.id))) == len(tokens)
    # Whichever desk came second for a person holds that person's one conflict.
    assert db.session.scalar(select(func.count(DeskScan.id)).where(DeskScan.conflict.is_(True))) == len(tokens)
    assert db.session.scalar(select(func.count(func.distinct(DeskScan.registration_id)))
                             .where(DeskScan.conflict.is_(True))) == len(tokens)
