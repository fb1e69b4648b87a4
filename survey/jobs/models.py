"""The `Job` row: the one place a background job's state, progress, result and error are kept.

Whichever runner executes it (a Celery worker, or a thread of the web process), a job moves
queued -> running -> done | failed, and a page reads its progress from this row in any process.
"""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, CheckConstraint, DateTime, ForeignKey, String, Text, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey.extensions import db


class JobState(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


FINISHED = (JobState.DONE, JobState.FAILED)


class JobStateError(RuntimeError):
    """A transition the lifecycle does not allow (e.g. finishing a job that never started)."""


class Job(db.Model):
    __tablename__ = "job"
    __table_args__ = (
        CheckConstraint("state IN ('queued', 'running', 'done', 'failed')", name="known_state"),
        CheckConstraint("done >= 0 AND (total IS NULL OR (total >= 0 AND done <= total))", name="progress_in_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(64), index=True)
    params: Mapped[dict] = mapped_column(JSON)
    state: Mapped[str] = mapped_column(String(10), default=JobState.QUEUED)
    done: Mapped[int] = mapped_column(default=0)
    total: Mapped[int | None]
    result: Mapped[dict | None] = mapped_column(JSON)
    error: Mapped[str | None] = mapped_column(Text)
    # who runs it: "inprocess:<host>:<pid>" (so a job whose process died can be recognised) or "celery:<worker>"
    worker: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    # whose job it is: admins see only their network's jobs; NULL for the deployment's own (periodic) jobs
    network_id: Mapped[int | None] = mapped_column(ForeignKey("network.id", ondelete="CASCADE"), index=True)

    creator = relationship("User")

    @property
    def finished(self) -> bool:
        return self.state in FINISHED

    def start(self, worker: str, now: datetime) -> None:
        self._require(JobState.QUEUED, "start")
        self.state, self.worker, self.started_at = JobState.RUNNING, worker, now

    def finish(self, result: dict | None, now: datetime) -> None:
        self._require(JobState.RUNNING, "finish")
        self.state, self.result, self.finished_at = JobState.DONE, result, now
        if self.total is not None:
            self.done = self.total

    def fail(self, error: str, now: datetime) -> None:
        if self.finished:
            raise JobStateError(f"job {self.id} is already {self.state}; it cannot fail")
        self.state, self.error, self.finished_at = JobState.FAILED, error, now

    def _require(self, state: JobState, action: str) -> None:
        if self.state != state:
            raise JobStateError(f"job {self.id} is {self.state}: only a {state} job can {action}")

    def __repr__(self) -> str:
        return f"<Job {self.id} {self.kind} {self.state} {self.done}/{self.total}>"


def jobs_of_network(network_id: int, kind: str | None = None):
    """The network's jobs, newest first (a select statement)."""
    statement = select(Job).where(Job.network_id == network_id).order_by(Job.id.desc())
    return statement.where(Job.kind == kind) if kind else statement
