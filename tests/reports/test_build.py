"""Building: up-to-date reports are skipped; background jobs report progress, in process and on Celery."""
from __future__ import annotations

import os
import time

import pytest

from survey.reporting import jobs
from survey.reporting.build import build_reports
from survey.reporting.storage import NETWORK_KEY, ReportStore
from survey.reporting.synthetic import synthetic_inputs
from tests.conftest import IN_CI

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def test_second_build_renders_nothing_and_a_change_rebuilds(results, network_inputs, tmp_path, monkeypatch):
    store = ReportStore(tmp_path)
    reports = [synthetic_inputs(results, "S001", items_per_dimension=2), network_inputs]
    first = build_reports(reports, store, workers=1)
    assert sorted(first.built) == sorted(["S001", NETWORK_KEY]) and not first.failed
    stored = store.path(1, "S001")
    assert stored.name.startswith("S001-") and stored.read_bytes().startswith(b"%PDF")

    from survey.reporting import build

    def no_rendering(_inputs):
        raise AssertionError("an up-to-date report was rendered again")

    monkeypatch.setattr(build, "_render", no_rendering)
    second = build_reports(reports, store, workers=1)
    assert second.built == [] and sorted(second.skipped) == sorted(["S001", NETWORK_KEY])
    monkeypatch.undo()

    changed = synthetic_inputs(results, "S001", items_per_dimension=2)
    changed.comments = [("Kommentarer", ["En ny kommentar"])]
    third = build_reports([changed], store, workers=1)
    assert third.built == ["S001"]
    assert store.path(1, "S001") != stored and not stored.exists()  # the old file is replaced


def test_parallel_build_over_a_process_pool(results, tmp_path):
    reports = [synthetic_inputs(results, code, items_per_dimension=2) for code in ("S001", "S002")]
    seen = []
    result = build_reports(reports, ReportStore(tmp_path), workers=2, progress=lambda d, t: seen.append((d, t)))
    assert sorted(result.built) == ["S001", "S002"] and not result.failed
    assert seen[0] == (0, 2) and seen[-1] == (2, 2)


def wait_for(job: str, store_root, seconds: float = 60) -> dict:
    deadline = time.monotonic() + seconds
    states = []
    while time.monotonic() < deadline:
        status = jobs.job_status(job, store_root)
        states.append(status)
        if status and status["state"] in ("SUCCESS", "FAILURE"):
            return status | {"seen": states}
        time.sleep(0.1)
    raise AssertionError(f"job {job} did not finish: {states[-3:]}")


def test_in_process_job_reports_progress_and_result(tmp_path):
    job = jobs.start_build(1, store_root=tmp_path, loader_name="synthetic", config={}, workers=1)
    assert job.startswith("local:")
    status = wait_for(job, tmp_path)
    assert status["state"] == "SUCCESS", status
    assert status["done"] == status["total"] == 3
    assert sorted(status["result"]["built"]) == ["S001", "S002", "S003"]
    assert any(s and s["state"] == "PROGRESS" for s in status["seen"])
    assert ReportStore(tmp_path).path(1, "S002") is not None


def redis_or_skip() -> None:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError as error:
        if IN_CI:
            pytest.fail(f"Redis at {REDIS_URL} is not reachable ({error}); CI must test the Celery jobs")
        pytest.skip(f"Redis at {REDIS_URL} is not reachable ({error})")


# redis-py 8 deprecates setex, which Celery 5.7's Redis result backend still calls (celery/backends/redis.py).
@pytest.mark.filterwarnings("ignore:Call to deprecated setex:DeprecationWarning")
def test_celery_job_on_redis_reports_progress_and_result(tmp_path):
    redis_or_skip()
    from celery.contrib.testing.worker import start_worker

    app = jobs.configure_celery(REDIS_URL)
    with start_worker(app, pool="solo", perform_ping_check=False, loglevel="WARNING", shutdown_timeout=30):
        job = jobs.start_build(1, school_codes=["S001", "S003"], store_root=tmp_path, loader_name="synthetic",
                               config={"REDIS_URL": REDIS_URL}, workers=1)
        assert job.startswith("celery:")
        status = wait_for(job, tmp_path)
    assert status["state"] == "SUCCESS", status
    assert sorted(status["result"]["built"]) == ["S001", "S003"]
    assert status["done"] == status["total"] == 2
    assert any(s and s["state"] == "PROGRESS" and s["total"] == 2 for s in status["seen"])
    assert ReportStore(tmp_path).path(1, "S003") is not None
