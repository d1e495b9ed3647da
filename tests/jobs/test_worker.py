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


def test_a_worker_stopped_with_sigterm_hands_its_job_back_to_the_queue(make_app, tmp_path):
    """systemd stops the jobs worker (a deploy, a machine going down): the job it was doing
    stops at its next progress point and is queued again at once, not counted as an
    attempt, and the next worker does it from the beginning."""
    import os

    from app.jobs import services
    from app.jobs.consumer import create_consumer

    web = make_app(JOBS_URL=f"sqlite:///{tmp_path / 'queue.db'}", JOBS_IMMEDIATE=False)

    def slow(job, progress):
        progress.total(300)
        for _ in range(300):
            time.sleep(0.01)
            progress.advance()
        return "count.txt", b"300"

    services.register_kind("test.slow", slow, label="Slow test job")
    handlers = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    try:
        event = make_event()
        user = make_user()
        grant(user, event, "accreditation")
        db.session.commit()
        with web.app_context():
            job_id = services.start(event, "test.slow", actor=user).id
            db.session.commit()
        consumer = create_consumer(web, workers=1, periodic=False, initial_delay=0.05, max_delay=0.1)
        consumer.start()
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            db.session.expire_all()
            if db.session.get(Job, job_id).progress_done >= 20:
                break
            time.sleep(0.05)
        assert db.session.get(Job, job_id).state == JobState.running
        started = time.monotonic()
        os.kill(os.getpid(), signal.SIGTERM)  # the consumer's handler, as systemd would
        assert services.RELEASING.is_set()
        consumer.stop(graceful=True)  # what its main loop does on that signal
        assert time.monotonic() - started < 5, "the job was not released at its next progress point"
        db.session.expire_all()
        job = db.session.get(Job, job_id)
        assert (job.state, job.progress_done, job.attempts, job.error) == (JobState.queued, 0, 0, "")
        assert huey_of(web).pending_count() == 1  # handed to the queue again, for another worker

        services.RELEASING.clear()  # another worker, not stopping
        other = create_consumer(web, workers=1, periodic=False, initial_delay=0.05, max_delay=0.1)
        other.start()
        try:
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and job.state != JobState.done:
                time.sleep(0.1)
                db.session.expire_all()
                job = db.session.get(Job, job_id)
        finally:
            other.stop(graceful=True)
        assert (job.state, job.progress_done, job.attempts) == (JobState.done, 300, 1)
    finally:
        services.RELEASING.clear()
        services._KINDS.pop("test.slow", None)
        for number, handler in handlers.items():
            signal.signal(number, handler)
