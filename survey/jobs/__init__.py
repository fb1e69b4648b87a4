"""Background jobs: one interface, two runners.

`enqueue(kind, **params)` queues a Job row; a Celery worker (production, with a broker) or a thread pool of the
web process (the embedded default) runs it; `job_status(job_id)` reads its state, progress, result or error from
the row, in any process. Kinds are registered by feature packages with `@job("kind")`, recurring ones with
`@periodic(seconds)` (Celery beat, or `benchlearn jobs run-due` from cron).
"""
from survey.jobs.models import Job, JobState, JobStateError
from survey.jobs.operations import JobStatus, enqueue, job_status
from survey.jobs.registry import job, periodic

__all__ = ["Job", "JobState", "JobStateError", "JobStatus", "enqueue", "job", "job_status", "periodic"]
