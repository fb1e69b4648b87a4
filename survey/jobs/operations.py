"""Queueing jobs and reading their state. Like every operation these flush and never commit: a job queued in a
request is handed to its runner only when that request commits (nothing runs for a request rolled back)."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timezone

from flask import current_app, has_request_context
from sqlalchemy import event, func, select, update
from sqlalchemy.orm import Session

from survey.extensions import db
from survey.jobs.backends import process_is_gone, runner_for
from survey.jobs.models import FINISHED, Job, JobState
from survey.jobs.registry import PERIODIC, function_of

log = logging.getLogger(__name__)
_PENDING = "benchlearn.jobs.pending"


def enqueue(kind: str, **params) -> Job:
    """Queue a job of `kind` with JSON `params` (passed to its function). It belongs to `params["network_id"]`
    when given, else to the logged-in user's network; the logged-in user is recorded as its creator."""
    function_of(kind)  # an unknown kind fails here, in the request, not later in a worker
    user = _current_user()
    network_id = params.get("network_id", user.network_id if user else None)
    app = current_app._get_current_object()
    runner = runner_for(app)
    job = Job(kind=kind, params=params, state=JobState.QUEUED, done=0, created_at=datetime.now(timezone.utc),
              created_by=user.id if user else None, network_id=network_id, worker=runner.owner())
    db.session.add(job)
    db.session.flush()
    db.session().info.setdefault(_PENDING, []).append((runner, app, job.id))
    return job


def _current_user():
    if not has_request_context():
        return None
    from flask_login import current_user

    return current_user if current_user.is_authenticated else None


@event.listens_for(Session, "after_commit")
def _hand_over_committed_jobs(session: Session) -> None:
    for runner, app, job_id in session.info.pop(_PENDING, []):
        try:
            runner.submit(app, job_id)
        except Exception as error:  # e.g. the broker is down: the job must not wait forever as "queued"
            log.exception("job %s could not be handed to its runner", job_id)
            with app.app_context(), db.engine.begin() as connection:
                connection.execute(update(Job).where(Job.id == job_id, Job.state == JobState.QUEUED).values(
                    state=JobState.FAILED, error=f"could not be started: {type(error).__name__}: {error}",
                    finished_at=datetime.now(timezone.utc)))


@event.listens_for(Session, "after_rollback")
def _forget_rolled_back_jobs(session: Session) -> None:
    session.info.pop(_PENDING, None)


@dataclass(frozen=True)
class JobStatus:
    """What a page or the CLI shows of a job, read fresh from its row."""

    id: int
    kind: str
    state: str
    done: int
    total: int | None
    result: dict | None
    error: str | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    network_id: int | None
    stale: bool  # left queued or running by an in-process runner whose process is gone

    @property
    def finished(self) -> bool:
        return self.state in FINISHED

    @property
    def active(self) -> bool:
        return not self.finished and not self.stale


def status_of(job: Job) -> JobStatus:
    return JobStatus(job.id, job.kind, job.state, job.done, job.total, job.result, job.error, job.created_at,
                     job.started_at, job.finished_at, job.network_id,
                     stale=not job.finished and process_is_gone(job.worker))


def job_status(job_id: int) -> JobStatus | None:
    """The job's state as stored now (another process may be running it), or None for no such job."""
    job = db.session.get(Job, job_id, populate_existing=True)
    return status_of(job) if job is not None else None


def fail_stale_jobs() -> list[Job]:
    """Mark failed the jobs an in-process runner on this host left queued or running when its process died."""
    unfinished = db.session.scalars(select(Job).where(Job.state.in_((JobState.QUEUED, JobState.RUNNING)),
                                                      Job.worker.like("inprocess:%")))
    stale = [job for job in unfinished if process_is_gone(job.worker)]
    for job in stale:
        job.fail(f"the process that was to run it stopped ({job.worker.removeprefix('inprocess:')})",
                 datetime.now(timezone.utc))
    db.session.flush()
    return stale


def due_periodic_kinds(now: datetime | None = None) -> list[str]:
    """Periodic kinds with no run yet in their current period (periods are aligned on the epoch: every 15
    minutes means :00, :15, :30, :45), so a cron line at the same interval runs each once."""
    now = now or datetime.now(timezone.utc)
    due = []
    for kind, schedule in sorted(PERIODIC.items()):
        period_start = datetime.fromtimestamp(now.timestamp() // schedule.every_seconds * schedule.every_seconds,
                                              timezone.utc)
        latest = db.session.scalar(select(func.max(Job.created_at)).where(Job.kind == kind))
        if latest is not None and latest.tzinfo is None:  # SQLite hands back naive UTC
            latest = latest.replace(tzinfo=timezone.utc)
        if latest is None or latest < period_start:
            due.append(kind)
    return due


def record_periodic_run(kind: str, worker: str) -> Job:
    """A Job row for a periodic run about to start here (beat's task or `jobs run-due`), flushed."""
    function_of(kind)
    job = Job(kind=kind, params={}, state=JobState.QUEUED, done=0, created_at=datetime.now(timezone.utc),
              worker=worker)
    db.session.add(job)
    db.session.flush()
    return job
