"""What decides the runner, and the job lifecycle's guarded transitions (no database needed)."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from survey.config import ConfigurationError
from survey.jobs import Job, JobState, JobStateError
from survey.jobs.backends import runner_name
from survey.jobs.registry import job, periodic

NOW = datetime(2026, 12, 6, 12, tzinfo=timezone.utc)


@pytest.mark.parametrize(("config", "runner"), [
    ({}, "inprocess"),
    ({"REDIS_URL": "redis://localhost:6379/0"}, "celery"),
    ({"CELERY_BROKER_URL": "redis://localhost:6379/1"}, "celery"),
    ({"REDIS_URL": "redis://localhost:6379/0", "JOB_RUNNER": "inprocess"}, "inprocess"),
    ({"REDIS_URL": "redis://localhost:6379/0", "JOB_RUNNER": " Celery "}, "celery"),
])
def test_the_runner_follows_the_settings(config, runner):
    assert runner_name(config) == runner


@pytest.mark.parametrize(("config", "message"), [
    ({"JOB_RUNNER": "celery"}, "JOB_RUNNER=celery needs CELERY_BROKER_URL or REDIS_URL"),
    ({"JOB_RUNNER": "threads"}, "JOB_RUNNER='threads': use one of celery, inprocess"),
])
def test_settings_that_cannot_work_stop_the_start(config, message):
    with pytest.raises(ConfigurationError, match=message):
        runner_name(config)


def queued() -> Job:
    return Job(id=7, kind="test.writes", params={}, state=JobState.QUEUED, done=0, total=None, created_at=NOW)


def test_a_job_moves_queued_running_done_and_no_other_way():
    job = queued()
    with pytest.raises(JobStateError, match="job 7 is queued: only a running job can finish"):
        job.finish({}, NOW)
    job.start("inprocess:host:1", NOW)
    assert job.state == JobState.RUNNING and job.started_at == NOW
    with pytest.raises(JobStateError, match="job 7 is running: only a queued job can start"):
        job.start("inprocess:host:2", NOW)
    job.total = 4
    job.finish({"built": []}, NOW)
    assert (job.state, job.done, job.result) == (JobState.DONE, 4, {"built": []})
    with pytest.raises(JobStateError, match="job 7 is already done; it cannot fail"):
        job.fail("late", NOW)


def test_a_queued_or_running_job_can_fail_once():
    for started in (False, True):
        job = queued()
        if started:
            job.start("celery:w1", NOW)
        job.fail("ValueError: bad", NOW)
        assert job.state == JobState.FAILED and job.error == "ValueError: bad" and job.finished_at == NOW
        with pytest.raises(JobStateError):
            job.fail("again", NOW)


def test_periodic_needs_a_registered_job_and_a_sensible_period():
    def plain(progress):
        return None

    with pytest.raises(ValueError, match="put @periodic above @job"):
        periodic(600)(plain)
    with pytest.raises(ValueError, match="at most once a minute"):
        periodic(10)
    with pytest.raises(ValueError, match="registered twice"):
        job("test.writes")(plain)
