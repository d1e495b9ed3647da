"""Background jobs: the job's page, failures, workers that die, periodic work once per
period, and the queue chosen by configuration."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.jobs import files, services
from app.jobs.models import Job, JobState, ScheduledRun
from app.jobs.queue import make_huey
from tests.factories import grant, login_session, make_event, make_user


@pytest.fixture
def kinds():
    """Kinds of job registered for one test only."""
    added = []

    def register(kind, handler, label="Test job"):
        services.register_kind(kind, handler, label=label)
        added.append(kind)

    yield register
    for kind in added:
        services._KINDS.pop(kind, None)


@pytest.fixture
def organiser():
    event = make_event()
    user = make_user()
    grant(user, event, "accreditation")
    db.session.commit()
    return event, user


def _start(event, user, kind, **params):
    job = services.start(event, kind, actor=user, params=params)
    db.session.commit()  # the queue runs it now (immediate in tests)
    db.session.expire_all()
    return db.session.get(Job, job.id)


def test_a_running_job_shows_an_accessible_progress_bar_and_refreshes_itself(client, organiser):
    event, user = organiser
    job = Job(event_id=event.id, kind="checkin.badges_pdf", requested_by_id=user.id, state=JobState.running,
              progress_done=412, progress_total=5000, message="Drawing the badges")
    db.session.add(job)
    db.session.commit()
    login_session(client, user)
    page = client.get(f"/e/{event.slug}/manage/jobs/{job.id}").get_data(as_text=True)
    assert '<meta http-equiv="refresh" content="2">' in page
    assert '<label for="job-progress"' in page
    assert '<progress id="job-progress"' in page and 'max="5000"' in page and 'value="412"' in page
    assert "412 of 5,000" in page and "Drawing the badges" in page
    assert f"/jobs/{job.id}/download" not in page
    assert client.get(f"/e/{event.slug}/manage/jobs/{job.id}/download").status_code == 404


def test_the_job_page_speaks_the_readers_language(client, organiser):
    event, user = organiser
    job = Job(event_id=event.id, kind="checkin.badges_pdf", requested_by_id=user.id, state=JobState.running,
              progress_done=412, progress_total=5000, message="Drawing the badges")
    db.session.add(job)
    db.session.commit()
    login_session(client, user)
    page = client.get(f"/e/{event.slug}/manage/jobs/{job.id}?lang=ru").get_data(as_text=True)
    assert "Бейджи (PDF)" in page and "Рисуем бейджи" in page and "из" in page


def test_a_job_that_cannot_be_done_shows_its_reason(client, organiser, kinds):
    event, user = organiser

    def refuse(job, progress):
        raise services.JobError("There is nothing to print.")

    kinds("test.refuse", refuse)
    job = _start(event, user, "test.refuse")
    assert (job.state, job.error) == (JobState.failed, "There is nothing to print.")
    login_session(client, user)
    page = client.get(f"/e/{event.slug}/manage/jobs/{job.id}").get_data(as_text=True)
    assert "The job failed." in page and "There is nothing to print." in page
    assert 'http-equiv="refresh"' not in page


def test_an_unexpected_error_is_logged_and_told_plainly(organiser, kinds, caplog):
    event, user = organiser

    def crash(job, progress):
        progress.total(10)
        raise ZeroDivisionError("boom")

    kinds("test.crash", crash)
    job = _start(event, user, "test.crash")
    assert job.state == JobState.failed
    assert job.error == str(services.UNEXPECTED_ERROR) and "boom" not in job.error
    assert "boom" in caplog.text


def test_the_job_row_is_handed_over_only_once_the_request_commits(organiser, kinds):
    event, user = organiser
    ran = []
    kinds("test.note", lambda job, progress: ran.append(job.id))
    services.start(event, "test.note", actor=user)
    db.session.rollback()  # the request failed: no job, nothing run
    assert ran == [] and db.session.scalar(select(func.count(Job.id))) == 0
    job = services.start(event, "test.note", actor=user)
    db.session.commit()
    assert ran == [job.id]


def test_a_job_queued_twice_runs_once(organiser, kinds):
    event, user = organiser
    ran = []
    kinds("test.note", lambda job, progress: ran.append(job.id))
    job = _start(event, user, "test.note")
    services.run(job.id)
    assert ran == [job.id]


def test_a_job_whose_worker_died_starts_again_then_gives_up(app, organiser, kinds, clock):
    event, user = organiser
    ran = []
    kinds("test.note", lambda job, progress: ran.append(job.id) or ("note.txt", b"done"))
    clock.set(datetime(2027, 4, 21, 9, 0, tzinfo=UTC))
    stuck = Job(event_id=event.id, kind="test.note", requested_by_id=user.id, state=JobState.running,
                attempts=1, progress_done=40, progress_total=100, heartbeat_at=clock.now() - timedelta(minutes=11))
    alive = Job(event_id=event.id, kind="test.note", requested_by_id=user.id, state=JobState.running,
                attempts=1, heartbeat_at=clock.now() - timedelta(minutes=2))
    hopeless = Job(event_id=event.id, kind="test.note", requested_by_id=user.id, state=JobState.running,
                   attempts=app.config["JOBS_MAX_ATTEMPTS"], heartbeat_at=clock.now() - timedelta(hours=1))
    db.session.add_all([stuck, alive, hopeless])
    db.session.commit()

    assert services.run_scheduled("requeue-stale-jobs")
    db.session.expire_all()
    assert ran == [stuck.id]  # from the beginning, by a worker (here at once)
    assert (stuck.state, stuck.attempts, stuck.result_name) == (JobState.done, 2, "note.txt")
    assert alive.state == JobState.running
    assert (hopeless.state, hopeless.error) == (JobState.failed, str(services.WORKER_LOST))


def test_two_claims_of_one_period_give_one_run(organiser, clock):
    runs = []
    services.register_schedule("test-daily", lambda: runs.append(1), period="day", hour="3", minute="0")
    try:
        clock.set(datetime(2027, 4, 21, 3, 0, tzinfo=UTC))
        assert services.claim_period("test-other", "2027-04-21") is True
        assert services.claim_period("test-other", "2027-04-21") is False
        first, second = services.run_scheduled("test-daily"), services.run_scheduled("test-daily")
        assert (first, second, runs) == (True, False, [1])
        clock.set(datetime(2027, 4, 22, 3, 0, tzinfo=UTC))
        assert services.run_scheduled("test-daily") is True and runs == [1, 1]
        assert db.session.scalar(select(func.count(ScheduledRun.id)).where(ScheduledRun.task == "test-daily")) == 2
    finally:
        services._SCHEDULE.pop("test-daily")


def test_two_workers_claiming_at_once_give_one_run(app, database_url):
    """Two workers, each with its own connection, claim the same period at the same moment."""
    import threading

    barrier = threading.Barrier(2)
    won = []

    def worker():
        with app.app_context():
            barrier.wait()
            won.append(services.claim_period("test-race", "2027-04-21T09:05"))
            db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(won) == [False, True]


@pytest.mark.parametrize(("period", "key"), [("day", "2027-04-21"), ("hour", "2027-04-21T09"),
                                             ("minute:5", "2027-04-21T09:05")])
def test_periods(period, key):
    assert services.period_key(period, datetime(2027, 4, 21, 9, 7, 30, tzinfo=UTC)) == key


def test_the_workers_run_the_platforms_periodic_work(app):
    from app.jobs.queue import huey_of

    def due(moment):  # what huey's scheduler enqueues at `moment` (UTC)
        return {task.name for task in huey_of(app).read_periodic(moment)}

    every_two_minutes = {"periodic:footprint-recompute"}
    assert due(datetime(2027, 4, 21, 2, 30)) == {"periodic:purge-passports", "periodic:requeue-stale-jobs",
                                                 *every_two_minutes}
    assert due(datetime(2027, 4, 21, 6, 0)) == {"periodic:travel-reminders", "periodic:requeue-stale-jobs",
                                                *every_two_minutes}
    assert due(datetime(2027, 4, 21, 6, 2)) == every_two_minutes
    assert due(datetime(2027, 4, 21, 6, 1)) == set()


def test_the_daily_passport_purge_runs_from_the_schedule(organiser, clock):
    from app.audit.models import AuditEntry
    from app.registration.models import Registration, RegistrationState
    from tests.factories import make_category

    event, user = organiser
    registration = Registration(event=event, user=user, category=make_category(event, "Delegates"),
                                state=RegistrationState.approved, given_name="A", family_name="B",
                                email=user.email, passport_number="N1234567")
    db.session.add(registration)
    db.session.commit()
    clock.set(datetime(2029, 1, 1, 2, 30, tzinfo=UTC))
    assert services.run_scheduled("purge-passports") is True
    assert services.run_scheduled("purge-passports") is False
    db.session.expire_all()
    assert registration.passport_number == ""
    assert db.session.scalar(select(func.count(AuditEntry.id))
                             .where(AuditEntry.action == "registration.purge_passports")) == 1


@pytest.mark.parametrize(("url", "storage"), [("sqlite:///{tmp}/queue.db", "SqliteStorage"),
                                              ("redis://127.0.0.1:6379/3", "RedisStorage"),
                                              ("memory://", "MemoryStorage")])
def test_the_queue_is_chosen_by_configuration(tmp_path, url, storage):
    assert type(make_huey(url.format(tmp=tmp_path)).storage).__name__ == storage


def test_an_unknown_queue_address_is_refused_plainly():
    with pytest.raises(RuntimeError, match="JOBS_URL"):
        make_huey("amqp://127.0.0.1")


def test_result_files_stay_in_their_folder(app):
    stored = files.save(7, "../../badges.pdf", b"%PDF")
    assert stored.startswith("jobs/7/") and ".." not in stored
    with files.open_file(stored) as handle:
        assert handle.read() == b"%PDF"
    assert files.open_file("../../etc/passwd") is None
    assert files.open_file("jobs/../../etc/passwd") is None
    assert files.open_file("speakers/photos/someone.jpg") is None  # only jobs' own files
    assert files.open_file("") is None


def test_the_daily_travel_reminders_go_to_events_not_yet_over(organiser, clock):
    from app.mail.models import OutboxMessage
    from app.registration.models import Registration, RegistrationState
    from tests.factories import make_category

    event, user = organiser
    past = make_event(start_date=datetime(2026, 1, 10).date(), end_date=datetime(2026, 1, 12).date())
    for summit in (event, past):
        delegate = make_user()
        db.session.add(Registration(event=summit, user=delegate, category=make_category(summit, "Delegates"),
                                    state=RegistrationState.approved, given_name="A", family_name="B",
                                    email=delegate.email))
    db.session.commit()
    clock.set(datetime(2027, 3, 1, 6, 0, tzinfo=UTC))
    assert services.run_scheduled("travel-reminders") is True
    assert services.run_scheduled("travel-reminders") is False
    reminders = list(db.session.scalars(select(OutboxMessage.event_id)
                                        .where(OutboxMessage.template == "registration_travel_reminder")))
    assert reminders == [event.id]


def test_files_of_old_jobs_are_deleted_and_the_page_says_so(client, organiser, clock):
    """Badge PDFs hold names and photos: a week after the job they are deleted by the daily
    task, from the storage as well; newer ones and unfinished jobs keep theirs."""
    from app.utils import storage

    event, user = organiser
    clock.set(datetime(2027, 4, 1, 3, 15, tzinfo=UTC))
    jobs = []
    for days_ago in (8, 6):
        job = Job(event_id=event.id, kind="checkin.badges_pdf", requested_by_id=user.id, state=JobState.done,
                  progress_total=2, progress_done=2, result_name="badges-astana-2.pdf",
                  finished_at=datetime(2027, 4, 1, 3, 0, tzinfo=UTC) - timedelta(days=days_ago))
        db.session.add(job)
        db.session.flush()
        job.result_path = files.save(job.id, job.result_name, b"%PDF-1.4 names and photos")
        jobs.append(job)
    db.session.commit()
    old, recent = jobs
    old_key = old.result_path
    assert storage.current().exists(old_key)

    assert services.run_scheduled("purge-job-files") is True
    assert services.run_scheduled("purge-job-files") is False  # once a day
    db.session.expire_all()
    assert not storage.current().exists(old_key)
    assert old.result_path == "" and recent.result_path != ""
    assert storage.current().exists(recent.result_path)

    login_session(client, user)
    page = client.get(f"/e/{event.slug}/manage/jobs/{old.id}").get_data(as_text=True)
    assert "badges-astana-2.pdf was deleted 7 days after the job ended" in page
    assert f"/jobs/{old.id}/download" not in page
    assert client.get(f"/e/{event.slug}/manage/jobs/{old.id}/download").status_code == 404
    assert client.get(f"/e/{event.slug}/manage/jobs/{recent.id}/download").status_code == 200
