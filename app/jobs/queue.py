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
import threading
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from flask import Flask, current_app, has_app_context
from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session

from app.jobs import services

if TYPE_CHECKING:
    from huey import Huey

log = logging.getLogger("kurultai.jobs")
EXTENSION = "kurultai_jobs"


def make_huey(url: str, *, immediate: bool = False) -> Huey:
    """The huey instance for `url` (see the module's docstring)."""
    # huey, with the Redis client it loads, takes some 18 MB of a process: a web worker
    # loads it when it first hands a job over, not when it starts.
    from huey import MemoryHuey, RedisHuey, SqliteHuey

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
    """Register the stale-job check and the listeners that hand committed jobs over (called
    by the app factory, after the domains' wiring has registered the kinds of job and the
    schedule). The app's huey and its tasks are built when first needed (`_queue`)."""
    services.register_schedule("requeue-stale-jobs", services.check_stale, period="minute:5", minute="*/5")
    services.register_schedule("purge-job-files", services.purge_results, period="day", minute="15", hour="3")
    app.extensions[EXTENSION] = {}
    # Every session of every app: the listeners look for the current app's queue themselves.
    if not sa_event.contains(Session, "after_commit", _dispatch_committed):
        sa_event.listen(Session, "after_commit", _dispatch_committed)
        sa_event.listen(Session, "after_soft_rollback", _forget_rolled_back)


_building = threading.Lock()


def _queue(app: Flask) -> dict:
    """The app's huey and its `run_job` task, built on first use."""
    built = app.extensions[EXTENSION]
    if not built:
        with _building:
            if not built:
                huey = make_huey(app.config["JOBS_URL"], immediate=app.config.get("JOBS_IMMEDIATE", False))

                @huey.task(name="run_job")
                def run_job(job_id: int) -> None:
                    with app.app_context():
                        services.run(job_id)

                for name, entry in services.schedule().items():
                    _periodic(app, huey, name, entry)
                built.update(huey=huey, run_job=run_job)
    return built


def _periodic(app: Flask, huey: Huey, name: str, entry: services.Scheduled) -> None:
    def periodic() -> None:
        with app.app_context():
            ran = services.run_scheduled(name)
            log.info("periodic task %s: %s", name, "done" if ran else "already claimed for this period")

    from huey import crontab  # loaded with huey itself (make_huey)

    huey.periodic_task(crontab(**entry.cron), name=f"periodic:{name}")(periodic)


def huey_of(app: Flask | None = None) -> Huey:
    return _queue(app or current_app._get_current_object())["huey"]


def dispatch(job_id: int) -> None:
    """Hand job `job_id` to the workers now (after its row is committed)."""
    _queue(current_app._get_current_object())["run_job"](job_id)


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
