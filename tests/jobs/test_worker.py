"""A real worker: the web request queues the job in huey's SQLite file, a consumer
thread (as `flask jobs-worker` runs) does it."""
from __future__ import annotations

import signal
import time

from sqlalchemy import select

from app.extensions import db
from app.jobs.models import Job, JobState
from app.jobs.queue import huey_of
from tests.checkin.conftest import make_delegate
from tests.factories import grant, login_session, make_category, make_event, make_user


def test_a_job_queued_by_the_web_request_is_done_by_the_worker(make_app, tmp_path):
    web = make_app(JOBS_URL=f"sqlite:///{tmp_path / 'queue.db'}", JOBS_IMMEDIATE=False, BADGES_JOB_THRESHOLD=1)
    event = make_event()
    category = make_category(event, "Government delegation")
    for family in ("Abenova", "Bekov"):
        make_delegate(event, category, given="Anar", family=family, photo=False)
    officer = make_user()
    grant(officer, event, "accreditation")
    db.session.commit()
    client = web.test_client()
    with web.app_context():
        login_session(client, officer)

    response = client.post(f"/e/{event.slug}/manage/badges.pdf")
    assert response.status_code == 302
    job_id = db.session.scalar(select(Job.id))
    assert db.session.get(Job, job_id).state == JobState.queued  # nobody has done it yet
    assert huey_of(web).pending_count() == 1

    handlers = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    consumer = huey_of(web).create_consumer(workers=1, periodic=False, initial_delay=0.05, max_delay=0.1)
    consumer.start()
    try:
        deadline = time.monotonic() + 20
        state = JobState.queued
        while time.monotonic() < deadline and state not in (JobState.done, JobState.failed):
            time.sleep(0.1)
            db.session.expire_all()
            state = db.session.get(Job, job_id).state
    finally:
        consumer.stop(graceful=True)
        for number, handler in handlers.items():
            signal.signal(number, handler)
    job = db.session.get(Job, job_id)
    assert (job.state, job.progress_done, job.error) == (JobState.done, 2, "")
    assert client.get(f"/e/{event.slug}/manage/jobs/{job_id}/download").mimetype == "application/pdf"
