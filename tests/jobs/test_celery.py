"""The Celery runner on the machine's Redis: a real worker (in a thread of the test, solo pool) runs the jobs the
app queues, progress and errors land in the Job row, and beat's periodic task records and runs its job."""
from __future__ import annotations

import os
import threading
import time
import uuid

import pytest
from sqlalchemy import select

from survey.extensions import db
from survey.jobs import Job, JobState, enqueue, job_status
from survey.jobs import worker
from survey.jobs.backends import runner_for
from survey.results.models import RoundResult
from survey.results.operations import freeze_due_rounds
from tests.conftest import IN_CI, make_app
from tests.jobs.conftest import GATES, closed_round, wait_until_finished

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def redis_or_skip() -> None:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError as error:
        if IN_CI:
            pytest.fail(f"Redis at {REDIS_URL} is not reachable ({error}); CI must test the Celery runner")
        pytest.skip(f"Redis at {REDIS_URL} is not reachable ({error})")


@pytest.fixture
def celery_app_and_worker(committed_app):
    """The web app configured for Celery (same database), and a Celery worker running its jobs."""
    redis_or_skip()
    from celery.contrib.testing.worker import start_worker

    app = make_app(committed_app.config["SQLALCHEMY_DATABASE_URI"], REDIS_URL=REDIS_URL,
                   REPORTS_DIR=committed_app.config["REPORTS_DIR"])
    with app.app_context():
        runner_for(app)  # points the Celery app at the broker
    worker.use_flask_app(app)
    try:
        with start_worker(worker.celery, pool="solo", perform_ping_check=False, loglevel="WARNING",
                          shutdown_timeout=30):
            yield app
    finally:
        worker.use_flask_app(None)
        with app.app_context():
            db.engine.dispose()


def test_a_celery_worker_runs_the_job_and_its_progress_shows(celery_app_and_worker, tenant):
    app = celery_app_and_worker
    network_id, _ = tenant
    gate = uuid.uuid4().hex
    GATES[gate] = threading.Event()
    with app.test_request_context():
        assert type(runner_for(app)).__name__ == "CeleryRunner"
        job_id = enqueue("test.gated", gate=gate, steps=4, network_id=network_id).id
        db.session.commit()
    deadline = time.monotonic() + 30
    while (status := job_status(job_id)).done < 1 and time.monotonic() < deadline:
        db.session.rollback()
        time.sleep(0.1)
    assert status.state == JobState.RUNNING and (status.done, status.total) == (1, 4)
    assert db.session.get(Job, job_id).worker.startswith("celery:")
    GATES[gate].set()
    status = wait_until_finished(job_id)
    assert status.state == JobState.DONE and status.result == {"gate": gate} and status.done == 4


def test_a_failing_job_on_celery_records_its_error(celery_app_and_worker, tenant):
    app = celery_app_and_worker
    network_id, _ = tenant
    with app.test_request_context():
        job_id = enqueue("test.writes", name="Celery-fejl", fail=True, network_id=network_id).id
        db.session.commit()
    status = wait_until_finished(job_id)
    assert status.state == JobState.FAILED and status.error == "ValueError: the input for Celery-fejl is bad"


def test_beat_schedule_runs_the_periodic_results_job_through_a_job_row(celery_app_and_worker, tenant):
    network_id, _ = tenant
    round_id = closed_round(network_id)
    entry = worker.celery.conf.beat_schedule["periodic results.freeze_due"]
    assert entry["task"] == "survey.jobs.run_periodic" and entry["schedule"] == 15 * 60
    before = db.session.scalar(select(Job.id).order_by(Job.id.desc()).limit(1)) or 0
    worker.celery.send_task(entry["task"], args=entry["args"])
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        db.session.rollback()
        job = db.session.scalar(select(Job).where(Job.id > before, Job.kind == "results.freeze_due"))
        if job is not None and job.finished:
            break
        time.sleep(0.2)
    assert job is not None and job.state == JobState.DONE, job
    assert round_id in job.result["frozen"]
    assert db.session.get(RoundResult, round_id) is not None


def test_a_report_build_runs_on_the_celery_worker(celery_app_and_worker, tenant):
    from survey.reporting.jobs import BUILD
    from survey.reporting.storage import NETWORK_KEY, default_store

    app = celery_app_and_worker
    network_id, _ = tenant
    round_id = closed_round(network_id)
    with app.test_request_context():
        freeze_due_rounds()
        job_id = enqueue(BUILD, round_id=round_id, network_id=network_id, workers=1).id
        db.session.commit()
    status = wait_until_finished(job_id, seconds=180)
    assert status.state == JobState.DONE, status.error
    assert sorted(status.result["built"]) == sorted(["ONE", "TWO", NETWORK_KEY]) and not status.result["failed"]
    assert status.done == status.total == 3
    with app.app_context():
        assert default_store().path(round_id, "TWO").read_bytes().startswith(b"%PDF")
