"""A background job and the claims of periodic work."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, Enum, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.utils.db import UTCDateTime
from app.utils.time import utcnow


class JobState(str, enum.Enum):
    queued = "queued"
    running = "running"
    done = "done"
    failed = "failed"


class Job(db.Model):
    """One piece of long work asked for by an organiser: what it is (`kind`, `params`),
    how far it has come, and the file it made."""

    __tablename__ = "jobs"
    __table_args__ = (Index("ix_jobs_state_heartbeat", "state", "heartbeat_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(64))
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    # The language the requester read the site in: the job writes its file in it.
    locale: Mapped[str] = mapped_column(String(8), default="en")
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    state: Mapped[JobState] = mapped_column(Enum(JobState, native_enum=False, length=10), default=JobState.queued)
    progress_done: Mapped[int] = mapped_column(Integer, default=0)
    progress_total: Mapped[int] = mapped_column(Integer, default=0)
    message: Mapped[str] = mapped_column(String(300), default="")
    result_name: Mapped[str] = mapped_column(String(255), default="")
    result_path: Mapped[str] = mapped_column(String(500), default="")
    error: Mapped[str] = mapped_column(String(1000), default="")
    # Runs started: a job whose worker died is queued again, a few times at most.
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    event = relationship("Event")
    requested_by = relationship("User", foreign_keys=[requested_by_id])

    @property
    def finished(self) -> bool:
        return self.state in (JobState.done, JobState.failed)

    @property
    def percent(self) -> int:
        if self.state == JobState.done:
            return 100
        if not self.progress_total:
            return 0
        return min(100, self.progress_done * 100 // self.progress_total)


class ScheduledRun(db.Model):
    """A period of a periodic task, claimed by the one worker that runs it: however many
    workers wake up for the period, only one inserts the row."""

    __tablename__ = "scheduled_runs"
    __table_args__ = (UniqueConstraint("task", "period", name="uq_scheduled_runs_task_period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    task: Mapped[str] = mapped_column(String(64))
    period: Mapped[str] = mapped_column(String(32))
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
