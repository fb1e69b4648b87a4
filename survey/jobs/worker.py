"""The Celery app of production: `celery -A survey.jobs.worker:celery worker` runs jobs, `... beat` the periodic
ones (one beat for the whole deployment). Same environment as the web app; the broker is CELERY_BROKER_URL or
REDIS_URL.

One task runs every kind: `survey.jobs.run(job_id)` runs the Job row in an app context. Beat's schedule comes from
the `@periodic` registry: each entry sends `survey.jobs.run_periodic(kind)`, which records a Job row and runs it.
Results live in the Job row, so Celery keeps none (no result backend).
"""
from __future__ import annotations

import os

from celery import Celery
from flask import Flask

from survey.jobs import kinds  # noqa: F401  (registers every kind and the periodic schedule)
from survey.jobs.backends import broker_url
from survey.jobs.registry import PERIODIC

celery = Celery("benchlearn")
celery.conf.update(
    task_serializer="json", accept_content=["json"], task_ignore_result=True,
    broker_connection_retry_on_startup=True,
    task_acks_late=True, worker_prefetch_multiplier=1,  # a long report build holds one message, not a batch
)
celery.conf.beat_schedule = {
    f"periodic {kind}": {"task": "survey.jobs.run_periodic", "schedule": float(schedule.every_seconds), "args": [kind]}
    for kind, schedule in PERIODIC.items()
}
_flask_app: Flask | None = None


def configure(url: str | None) -> Celery:
    """Point the app at its broker (from the environment at import; the web app's config when it sends)."""
    if url:
        celery.conf.broker_url = url
    return celery


configure(broker_url(os.environ))


def use_flask_app(app: Flask) -> None:
    """Run tasks in `app` instead of one made from the environment (an embedding process, the tests)."""
    global _flask_app
    _flask_app = app


def flask_app() -> Flask:
    global _flask_app
    if _flask_app is None:
        from survey import create_app

        _flask_app = create_app()
    return _flask_app


def _worker_name(task) -> str:
    return f"celery:{task.request.hostname or 'worker'}"


@celery.task(name="survey.jobs.run", bind=True)
def run(self, job_id: int) -> None:
    from survey.jobs.execute import run_job

    with flask_app().app_context():
        run_job(job_id, _worker_name(self))


@celery.task(name="survey.jobs.run_periodic", bind=True)
def run_periodic(self, kind: str) -> None:
    from survey.extensions import db
    from survey.jobs.execute import run_job
    from survey.jobs.operations import record_periodic_run

    with flask_app().app_context():
        job = record_periodic_run(kind, _worker_name(self))
        db.session.commit()
        run_job(job.id, _worker_name(self))
