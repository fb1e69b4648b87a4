"""Running one job, the same way on every runner: mark it running, call its function, store the outcome.

This is the job's "end of request": the one place that commits. The running state is committed before the
work starts, so other processes see it; the function's work is committed together with the final state, or
rolled back when it raises, and the job records the error. Progress is written through a connection of its
own, so it shows at once without committing the job's half-done work.
"""
from __future__ import annotations

import logging
from datetime import datetime, timezone

from sqlalchemy import update
from sqlalchemy.exc import OperationalError

from survey.extensions import db
from survey.jobs.models import Job, JobState
from survey.jobs.registry import Progress, UnknownJobKind, function_of

log = logging.getLogger(__name__)


def now() -> datetime:
    return datetime.now(timezone.utc)


def run_job(job_id: int, worker: str) -> Job | None:
    """Run the queued job `job_id` to its end (inside an app context). A job that is not queued any more (a
    message delivered twice) is left alone; returns the job, or None when there is no such job."""
    job = db.session.get(Job, job_id)
    if job is None:
        log.error("job %s does not exist (its enqueueing request was rolled back?)", job_id)
        return None
    if job.state != JobState.QUEUED:
        log.warning("job %s is %s already; not run again", job_id, job.state)
        return job
    try:
        function = function_of(job.kind)
    except UnknownJobKind as unknown:
        job.fail(str(unknown), now())
        db.session.commit()
        return job
    job.start(worker, now())
    params = dict(job.params)
    db.session.commit()
    try:
        result = function(progress_writer(job_id), **params)
    except Exception as error:  # the job records any failure; the runner must go on with the next job
        log.exception("job %s (%s) failed", job_id, job.kind)
        db.session.rollback()
        job = db.session.get(Job, job_id)
        job.fail(f"{type(error).__name__}: {error}", now())
        db.session.commit()
        return job
    job = db.session.get(Job, job_id)
    db.session.refresh(job, ["done", "total"])  # written by the progress connection meanwhile
    job.finish(result, now())
    db.session.commit()
    return job


def progress_writer(job_id: int) -> Progress:
    """`progress(done, total)` for the job: an UPDATE committed on its own connection, visible at once."""

    def progress(done: int, total: int | None = None) -> None:
        try:
            with db.engine.begin() as connection:
                connection.execute(update(Job).where(Job.id == job_id, Job.state == JobState.RUNNING)
                                   .values(done=done, total=total))
        except OperationalError as busy:  # e.g. SQLite locked by a long write: progress is news, not the work
            log.warning("progress of job %s not recorded: %s", job_id, busy)

    return progress
