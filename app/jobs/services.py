"""Starting a job, running it with its progress, finishing or failing it; finding jobs
whose worker died; claiming a period of periodic work.

A kind of job is registered by the domain that knows how to do it (from its wiring):
`register_kind(kind, handler, label=...)`; `handler(job, progress)` does the work, calls
`progress.total(n)` and `progress.advance()` as it goes, and returns `(file name, bytes)`
or None. It raises `JobError` with a message for the organiser when the work cannot
be done. The view that starts a job commits; the job is handed to the queue only once
that commit has happened (`app/jobs/queue.py`), so a worker never looks for a row that
is not there yet.
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from flask_babel import force_locale, lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from app.audit.services import record
from app.extensions import db
from app.jobs import files
from app.jobs.models import Job, JobState, ScheduledRun
from app.utils.time import utcnow

log = logging.getLogger("kurultai.jobs")

# Stored in the row and translated when shown (the job's reader may read another language).
UNEXPECTED_ERROR = _l("The job stopped on an unexpected error. It has been logged; start it again, "
                      "or ask the platform administrator if it happens again.")
WORKER_LOST = _l("The worker doing this job stopped several times. Start it again.")
UNKNOWN_KIND = _l("This kind of job is no longer known to the application.")


class JobError(Exception):
    """Work that cannot be done, with a message for the organiser who asked for it."""


class JobReleased(Exception):
    """Raised at a job's next progress point once its worker is stopping (RELEASING)."""


# Set when this worker process is asked to stop (SIGTERM: a deploy, a machine going down):
# each job it runs stops at its next progress point and is handed back to the queue at
# once, for a worker that keeps running, instead of waiting for the stale-job check.
RELEASING = threading.Event()


@dataclass(frozen=True)
class Kind:
    handler: Callable[[Job, "Progress"], tuple[str, bytes] | None]
    label: Any


@dataclass(frozen=True)
class Scheduled:
    """Periodic work: `fn()` run once per `period` ("minute:N", "hour" or "day"), whenever
    the worker's clock matches `cron` (a huey crontab)."""
    fn: Callable[[], Any]
    cron: dict
    period: str


_KINDS: dict[str, Kind] = {}
_SCHEDULE: dict[str, Scheduled] = {}
PENDING_KEY = "kurultai_jobs_to_dispatch"


def register_kind(kind: str, handler: Callable[[Job, "Progress"], tuple[str, bytes] | None], *, label) -> None:
    _KINDS[kind] = Kind(handler, label)


def kind_label(kind: str):
    known = _KINDS.get(kind)
    return known.label if known else kind


def register_schedule(name: str, fn: Callable[[], Any], *, period: str = "day", **cron) -> None:
    """Run `fn` from the workers' periodic tasks, exactly once per period. `cron` takes
    huey's crontab arguments (minute="*/5", hour="3")."""
    _SCHEDULE[name] = Scheduled(fn, cron, period)


def schedule() -> dict[str, Scheduled]:
    return dict(_SCHEDULE)


# --- Starting -------------------------------------------------------------------------

def start(event, kind: str, *, actor, params: dict | None = None, locale: str = "en",
          total: int = 0, summary: str = "") -> Job:
    """A new queued job of `kind` for `event`, asked for by `actor`: added to the session
    (the caller commits), audited, and handed to the queue after the commit."""
    if kind not in _KINDS:
        raise LookupError(f"no job kind {kind!r} is registered")
    job = Job(event_id=event.id, kind=kind, params=params or {}, locale=locale,
              requested_by_id=getattr(actor, "id", None), progress_total=total, state=JobState.queued)
    db.session.add(job)
    db.session.flush()
    record(actor=actor, action="job.start", obj=job, event=event, summary=summary or f"{kind} #{job.id}",
           after={"kind": kind, **{k: v for k, v in (params or {}).items() if v}})
    dispatch_after_commit(job.id)
    return job


def dispatch_after_commit(job_id: int) -> None:
    """Hand job `job_id` to the queue once the current transaction commits (app/jobs/queue.py)."""
    db.session().info.setdefault(PENDING_KEY, []).append(job_id)


# --- Running --------------------------------------------------------------------------

class Progress:
    """What a handler tells of its progress. Written to the job's row in chunks (every
    `chunk` items, at most about fifty times a job), with the heartbeat, by committing the
    worker's own session: the work done so far is committed with it."""

    def __init__(self, job: Job, *, chunk: int | None = None):
        self.job = job
        self._chunk = chunk
        self._since = 0

    def total(self, count: int, message: str = "") -> None:
        if RELEASING.is_set():
            raise JobReleased
        self.job.progress_total = count
        if message:
            self.job.message = str(message)
        self.commit()

    def advance(self, count: int = 1) -> None:
        if RELEASING.is_set():
            raise JobReleased
        self.job.progress_done += count
        self._since += count
        chunk = self._chunk or max(1, self.job.progress_total // 50)
        if self._since >= chunk:
            self.commit()

    def message(self, text) -> None:
        self.job.message = str(text)[:300]

    def commit(self) -> None:
        self._since = 0
        self.job.heartbeat_at = utcnow()
        db.session.commit()


def run(job_id: int) -> None:
    """Do job `job_id` if it is queued (a worker calls this). The claim is a conditional
    UPDATE only one worker wins: a job handed to the queue twice runs once."""
    now = utcnow()
    claimed = db.session.execute(
        update(Job).where(Job.id == job_id, Job.state == JobState.queued)
        .values(state=JobState.running, started_at=now, heartbeat_at=now, attempts=Job.attempts + 1,
                progress_done=0, error="")).rowcount
    db.session.commit()
    if not claimed:
        return
    # Progress commits must not throw away what the handler has loaded.
    db.session().expire_on_commit = False
    job = db.session.get(Job, job_id)
    kind = _KINDS.get(job.kind)
    try:
        if kind is None:
            raise JobError(str(UNKNOWN_KIND))
        with force_locale(job.locale or "en"):
            outcome = kind.handler(job, Progress(job))
        if outcome is not None:
            name, data = outcome
            job.result_name, job.result_path = name, files.save(job.id, name, data)
        job.state, job.finished_at, job.heartbeat_at = JobState.done, utcnow(), utcnow()
        job.progress_done = max(job.progress_done, job.progress_total)
        job.message = ""
        db.session.commit()
    except JobError as problem:
        _fail(job_id, str(problem))
    except JobReleased:
        release(job_id)
    except Exception:
        log.exception("job %s (%s) failed", job_id, job.kind)
        _fail(job_id, str(UNEXPECTED_ERROR))


def release(job_id: int) -> None:
    """Hand a running job back to the queue, to start again from the beginning on another
    worker: its work so far is rolled back, and this run does not count as an attempt."""
    db.session.rollback()
    released = db.session.execute(
        update(Job).where(Job.id == job_id, Job.state == JobState.running)
        .values(state=JobState.queued, progress_done=0, heartbeat_at=None, started_at=None,
                attempts=Job.attempts - 1)).rowcount
    if released:
        dispatch_after_commit(job_id)
    db.session.commit()
    log.info("job %s handed back to the queue: this worker is stopping", job_id)


def _fail(job_id: int, error: str) -> None:
    db.session.rollback()
    job = db.session.get(Job, job_id)
    job.state, job.error, job.finished_at = JobState.failed, error[:1000], utcnow()
    db.session.commit()


def open_result(job: Job):
    """The job's file, open for reading, or None."""
    return files.open_file(job.result_path) if job.state == JobState.done and job.result_path else None


# --- Workers that died ------------------------------------------------------------------

def requeue_stale(*, now: datetime | None = None) -> dict[str, int]:
    """Jobs whose worker stopped: running with a heartbeat older than JOBS_STALE_MINUTES
    are queued again to start from the beginning (failed after JOBS_MAX_ATTEMPTS runs);
    queued ones that long are handed to the queue again (their message was lost)."""
    now = now or utcnow()
    config = current_app.config
    limit = now - timedelta(minutes=config["JOBS_STALE_MINUTES"])
    counts = {"requeued": 0, "failed": 0, "redispatched": 0}
    stale = list(db.session.scalars(select(Job).where(Job.state == JobState.running, Job.heartbeat_at < limit)))
    for job in stale:
        if job.attempts >= config["JOBS_MAX_ATTEMPTS"]:
            job.state, job.error, job.finished_at = JobState.failed, str(WORKER_LOST), now
            counts["failed"] += 1
        else:
            job.state, job.progress_done, job.heartbeat_at = JobState.queued, 0, None
            dispatch_after_commit(job.id)
            counts["requeued"] += 1
    lost = db.session.scalars(select(Job.id).where(Job.state == JobState.queued, Job.created_at < limit,
                                                   Job.id.not_in([j.id for j in stale] or [0])))
    for job_id in lost:
        dispatch_after_commit(job_id)
        counts["redispatched"] += 1
    if stale:
        log.warning("jobs whose worker stopped: %s", counts)
    return counts


# --- Files kept for a while only ----------------------------------------------------------

def purge_results(*, now: datetime | None = None, batch: int = 500) -> int:
    """Delete the files of jobs finished more than JOBS_KEEP_DAYS ago (badge PDFs and
    reports hold names and photos: they are not kept for ever, nor is the bucket left to
    grow); the job's page then says the file was deleted. Returns how many."""
    now = now or utcnow()
    limit = now - timedelta(days=current_app.config["JOBS_KEEP_DAYS"])
    purged = 0
    while True:
        jobs = list(db.session.scalars(select(Job).where(Job.result_path != "", Job.finished_at < limit)
                                       .order_by(Job.id).limit(batch)))
        for job in jobs:
            files.delete(job.result_path)
            job.result_path = ""
        db.session.commit()
        purged += len(jobs)
        if len(jobs) < batch:
            break
    if purged:
        log.info("files of %s finished jobs deleted", purged)
    return purged


# --- Periodic work, once per period ------------------------------------------------------

def period_key(period: str, now: datetime) -> str:
    """The period `now` falls in: "2027-04-21" for "day", "2027-04-21T09" for "hour",
    "2027-04-21T09:05" for "minute:5" (the five minutes starting then)."""
    if period == "day":
        return now.strftime("%Y-%m-%d")
    if period == "hour":
        return now.strftime("%Y-%m-%dT%H")
    if period.startswith("minute:"):
        step = int(period.partition(":")[2])
        return now.replace(minute=now.minute - now.minute % step).strftime("%Y-%m-%dT%H:%M")
    raise ValueError(f"unknown period {period!r}")


def claim_period(task: str, period: str) -> bool:
    """Insert the (task, period) row, or find it there: True for the one caller that
    inserted it. Committed at once, so every other worker sees the claim."""
    values = {"task": task, "period": period, "claimed_at": utcnow()}
    dialect = db.session.get_bind().dialect.name
    if dialect in ("postgresql", "sqlite"):
        insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(ScheduledRun)
        # RETURNING, not rowcount: psycopg reports no row count for this statement.
        won = db.session.execute(insert.values(**values).on_conflict_do_nothing(
            index_elements=["task", "period"]).returning(ScheduledRun.id)).scalar() is not None
        db.session.commit()
        return won
    try:  # pragma: no cover - other databases
        db.session.add(ScheduledRun(**values))
        db.session.commit()
        return True
    except IntegrityError:  # pragma: no cover
        db.session.rollback()
        return False


def run_scheduled(name: str, *, now: datetime | None = None) -> bool:
    """Run the periodic work `name` if this period is not claimed yet; True if it ran here."""
    entry = _SCHEDULE[name]
    if not claim_period(name, period_key(entry.period, now or utcnow())):
        return False
    try:
        entry.fn()
        db.session.commit()
    except Exception:
        db.session.rollback()
        log.exception("periodic task %s failed", name)
        raise
    return True


def prune_claims(*, keep_days: int = 30) -> int:
    """Forget claims older than `keep_days` (they only need to outlive their period)."""
    gone = db.session.execute(ScheduledRun.__table__.delete().where(
        ScheduledRun.claimed_at < utcnow() - timedelta(days=keep_days))).rowcount
    return gone


def check_stale() -> dict[str, int]:
    """The periodic check: jobs whose worker stopped, and claims no longer needed."""
    counts = requeue_stale()
    prune_claims()
    return counts
