"""The in-process runner: a job queued by one request runs in a thread of the web process, and its progress,
result or error is read from the Job row by other requests. Admins see only their own network's jobs."""
from __future__ import annotations

import re
import subprocess
import threading
import uuid
from datetime import datetime, timezone
from socket import gethostname

from sqlalchemy import select

from survey.accounts.operations import add_user
from survey.extensions import db
from survey.jobs import Job, JobState, enqueue, job_status
from survey.jobs.backends import InProcessRunner
from survey.jobs.operations import fail_stale_jobs
from survey.network.models import Network
from survey.results.models import RoundResult
from tests.conftest import TEST_PASSWORD
from tests.jobs.conftest import GATES, closed_round, log_in, wait_until_finished


def job_page(client, job_id: int) -> str:
    db.session.rollback()  # as in log_in: no read transaction of the test left open during a request
    page = client.get(f"/admin/jobs/{job_id}")
    assert page.status_code == 200
    return re.sub(r"\s+", " ", page.text)


def test_progress_shows_on_the_page_while_the_job_runs(committed_app, tenant):
    network_id, email = tenant
    gate = uuid.uuid4().hex
    GATES[gate] = threading.Event()
    with committed_app.test_request_context():
        job = enqueue("test.gated", gate=gate, network_id=network_id)
        job_id = job.id
        assert job_status(job_id).state == JobState.QUEUED
        db.session.commit()  # only now is it handed to the runner
    client = committed_app.test_client()
    log_in(client, email)
    for _ in range(300):
        page = job_page(client, job_id)
        if "1 of 3" in page:
            break
        threading.Event().wait(0.1)
    assert 'role="status"' in page and "Running: 1 of 3" in page
    assert 'http-equiv="refresh"' in page  # the page follows the job by itself
    GATES[gate].set()
    status = wait_until_finished(job_id)
    assert status.state == JobState.DONE and status.result == {"gate": gate}
    assert status.done == status.total == 3
    done = job_page(client, job_id)
    assert "Done" in done and 'http-equiv="refresh"' not in done
    assert f'href="/admin/jobs/{job_id}"' in client.get("/admin/jobs").text


def test_a_failed_job_shows_its_error_and_keeps_none_of_its_work(committed_app, tenant):
    network_id, email = tenant
    name = f"Halvfærdig {uuid.uuid4().hex[:6]}"
    job_id = enqueue_committed(committed_app, "test.writes", name=name, fail=True, network_id=network_id)
    status = wait_until_finished(job_id)
    assert status.state == JobState.FAILED
    assert status.error == f"ValueError: the input for {name} is bad"
    assert db.session.scalar(select(Network).where(Network.name == name)) is None  # rolled back with the failure
    client = committed_app.test_client()
    log_in(client, email)
    page = job_page(client, job_id)
    assert "Failed" in page and f"ValueError: the input for {name} is bad" in page
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "da"
    assert '<p role="status" id="job-status">Fejlet</p>' in job_page(client, job_id)  # the admins' language


def test_a_job_that_succeeds_commits_its_work_with_its_result(committed_app, tenant):
    network_id, _ = tenant
    name = f"Fuldført {uuid.uuid4().hex[:6]}"
    job_id = enqueue_committed(committed_app, "test.writes", name=name, network_id=network_id)
    status = wait_until_finished(job_id)
    assert status.state == JobState.DONE and status.result == {"added": name}
    assert db.session.scalar(select(Network).where(Network.name == name)) is not None


def test_a_job_queued_in_a_request_that_rolls_back_never_runs(committed_app, tenant):
    network_id, _ = tenant
    name = f"Aldrig {uuid.uuid4().hex[:6]}"
    with committed_app.test_request_context():
        enqueue("test.writes", name=name, network_id=network_id)
        db.session.rollback()
        db.session.commit()
    assert db.session.scalar(select(Job).where(Job.params["name"].as_string() == name)) is None
    assert db.session.scalar(select(Network).where(Network.name == name)) is None


def test_another_networks_admin_gets_404(committed_app, tenant):
    network_id, _ = tenant
    round_id = closed_round(network_id)
    job_id = enqueue_committed(committed_app, "test.writes", name=f"Privat {uuid.uuid4().hex[:6]}",
                               network_id=network_id)
    wait_until_finished(job_id)
    other = Network(name=f"Andet {uuid.uuid4().hex[:6]}")
    db.session.add(other)
    db.session.flush()
    outsider = f"outsider-{uuid.uuid4().hex[:6]}@example.org"
    add_user(outsider, TEST_PASSWORD, "network_admin", other)
    db.session.commit()
    client = committed_app.test_client()
    log_in(client, outsider)
    assert client.get(f"/admin/jobs/{job_id}").status_code == 404
    assert f"/admin/jobs/{job_id}" not in client.get("/admin/jobs").text
    assert client.get(f"/admin/reports/{round_id}").status_code == 404
    assert f"/admin/reports/{round_id}" not in client.get("/admin/reports").text
    assert client.post(f"/admin/reports/{round_id}/build").status_code == 404
    assert db.session.scalar(select(Job).where(Job.kind == "report.build",
                                               Job.params["round_id"].as_integer() == round_id)) is None


def test_jobs_of_a_process_that_died_show_as_stale_then_fail(committed_app, tenant):
    network_id, email = tenant
    dead = subprocess.Popen(["true"])
    dead.wait()
    worker = f"inprocess:{gethostname()}:{dead.pid}"
    job = Job(kind="test.writes", params={"name": "x"}, state=JobState.RUNNING, done=1, total=4, worker=worker,
              created_at=datetime.now(timezone.utc), started_at=datetime.now(timezone.utc), network_id=network_id)
    db.session.add(job)
    db.session.commit()
    assert job_status(job.id).stale
    client = committed_app.test_client()
    log_in(client, email)
    assert "Stopped: the process running it ended." in job_page(client, job.id)
    db.session.rollback()  # no read transaction of this test in the way of the runner's write (SQLite)
    InProcessRunner(threads=1)._executor(committed_app).shutdown(wait=True)  # a runner starting in a new process
    status = job_status(job.id)
    assert status.state == JobState.FAILED and not status.stale
    assert status.error == f"the process that was to run it stopped ({gethostname()}:{dead.pid})"
    assert fail_stale_jobs() == []  # nothing left to fail


def test_run_due_runs_each_periodic_job_once_a_period(committed_app, tenant):
    network_id, _ = tenant
    round_id = closed_round(network_id)
    runner = committed_app.test_cli_runner()
    first = runner.invoke(args=["jobs", "run-due"])
    assert first.exit_code == 0, first.output
    assert "results.freeze_due: done" in first.output
    db.session.rollback()
    assert db.session.get(RoundResult, round_id) is not None
    again = runner.invoke(args=["jobs", "run-due"])
    assert again.exit_code == 0 and again.output.strip() == "nothing due"
    listing = runner.invoke(args=["jobs", "list", "--limit", "3"])
    assert re.search(r"\tresults\.freeze_due\tdone\t", listing.output), listing.output


def enqueue_committed(app, kind: str, **params) -> int:
    with app.test_request_context():
        job_id = enqueue(kind, **params).id
        db.session.commit()
    return job_id
