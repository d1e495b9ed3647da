"""The queue between the web processes and the workers: huey.

`JOBS_URL` chooses where huey keeps its queue: `sqlite:///path` (a file under
`instance/`, the default: nothing to install), `redis://host:port/db` (production,
several machines), or `memory://`. With `JOBS_IMMEDIATE` (the tests) a job runs in
the process that starts it, as soon as its transaction commits.

Two tasks are registered: `run_job(job_id)`, and one periodic task per entry of the
schedule (`services.register_schedule`), each claiming its period in the database
before it runs, so that it runs once however many workers there are.
"""
from __future__ import annotations

import logging
import signal
from urllib.parse import urlsplit

from flask import Flask, current_app, has_app_context
from huey import Huey, MemoryHuey, RedisHuey, SqliteHuey, crontab
from huey.consumer import Consumer
from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session

from app.jobs import services

log = logging.getLogger("kurultai.jobs")
EXTENSION = "kurultai_jobs"


def make_huey(url: str, *, immediate: bool = False) -> Huey:
    """The huey instance for `url` (see the module's docstring)."""
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        # sqlite:///relative/file or sqlite:////absolute/file, as SQLAlchemy writes them.
        huey = SqliteHuey("kurultai", filename=url[len("sqlite:///"):], results=False, immediate=immediate)
    elif parts.scheme in ("redis", "rediss"):
        huey = RedisHuey("kurultai", url=url, results=False, immediate=immediate)
    elif parts.scheme == "memory":
        huey = MemoryHuey("kurultai", results=False, immediate=immediate)
    else:
        raise RuntimeError(f"JOBS_URL must start with sqlite:///, redis:// or memory:// (not {url!r})")
    return huey


def init_app(app: Flask) -> None:
    """Build the app's huey and register its tasks (called by the app factory, after the
    domains' wiring has registered the kinds of job and the schedule)."""
    huey = make_huey(app.config["JOBS_URL"], immediate=app.config.get("JOBS_IMMEDIATE", False))

    @huey.task(name="run_job")
    def run_job(job_id: int) -> None:
        with app.app_context():
            services.run(job_id)

    services.register_schedule("requeue-stale-jobs", services.check_stale, period="minute:5", minute="*/5")
    services.register_schedule("purge-job-files", services.purge_results, period="day", minute="15", hour="3")
    for name, entry in services.schedule().items():
        _periodic(app, huey, name, entry)

    app.extensions[EXTENSION] = {"huey": huey, "run_job": run_job}
    # Every session of every app: the listeners look for the current app's queue themselves.
    if not sa_event.contains(Session, "after_commit", _dispatch_committed):
        sa_event.listen(Session, "after_commit", _dispatch_committed)
        sa_event.listen(Session, "after_soft_rollback", _forget_rolled_back)


def _periodic(app: Flask, huey: Huey, name: str, entry: services.Scheduled) -> None:
    def periodic() -> None:
        with app.app_context():
            ran = services.run_scheduled(name)
            log.info("periodic task %s: %s", name, "done" if ran else "already claimed for this period")

    huey.periodic_task(crontab(**entry.cron), name=f"periodic:{name}")(periodic)


def huey_of(app: Flask | None = None) -> Huey:
    return (app or current_app).extensions[EXTENSION]["huey"]


def dispatch(job_id: int) -> None:
    """Hand job `job_id` to the workers now (after its row is committed)."""
    current_app.extensions[EXTENSION]["run_job"](job_id)


def _dispatch_committed(session: Session) -> None:
    pending = session.info.pop(services.PENDING_KEY, None)
    if not pending or not has_app_context() or EXTENSION not in current_app.extensions:
        return
    for job_id in pending:
        try:
            dispatch(job_id)
        except Exception:  # the queue is down: the stale-job check hands it over again later
            log.exception("job %s could not be handed to the queue", job_id)


def _forget_rolled_back(session: Session, previous_transaction) -> None:
    if previous_transaction.parent is None:  # the outermost transaction: nothing of it was committed
        session.info.pop(services.PENDING_KEY, None)


class ReleasingConsumer(Consumer):
    """huey's consumer, stopping as a worker machine should: SIGINT (Ctrl+C) lets the jobs
    in hand finish; SIGTERM (systemd's stop) hands them back to the queue at their next
    progress point, so a worker that keeps running starts them at once; either way the
    consumer waits for its threads (up to `shutdown_timeout`) before it exits."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Signal -> (restart, graceful): both stops are graceful; SIGHUP restarts.
        self._signal_actions[signal.SIGTERM] = (False, True)
        self._signal_actions[signal.SIGINT] = (False, True)

    def _handle_signal(self, signum, frame):
        if signum == signal.SIGTERM:
            services.RELEASING.set()
        super()._handle_signal(signum, frame)


def create_consumer(app: Flask, *, workers: int = 2, periodic: bool = True, **options) -> ReleasingConsumer:
    options.setdefault("shutdown_timeout", 20)
    return ReleasingConsumer(huey_of(app), workers=workers, worker_type="thread", periodic=periodic, **options)


def run_worker(app: Flask, *, workers: int = 2, periodic: bool = True) -> None:  # pragma: no cover - runs forever
    """`flask jobs-worker`: huey's consumer, with threads, until stopped (Ctrl+C or SIGINT:
    finish the jobs in hand; SIGTERM: hand them back to the queue for another worker)."""
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s: %(message)s")
    create_consumer(app, workers=workers, periodic=periodic).run()
