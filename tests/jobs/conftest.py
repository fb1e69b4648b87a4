"""Job runner fixtures. A job runs in another thread or process with its own connection, so these tests use a
database whose rows are really committed (one per module and backend), not the rolled-back test transaction;
each test makes a network of its own. A few job kinds exist only for these tests."""
from __future__ import annotations

import threading
import time
import uuid
from datetime import date, timedelta

import pytest
from flask_migrate import upgrade

from survey.accounts.operations import add_user
from survey.catalog.operations import publish_definition, validate_source
from survey.extensions import db
from survey.jobs import job, job_status
from survey.network.models import Network, Program, School
from survey.responses.models import Response
from survey.rounds.models import SurveyRound
from tests.conftest import TEST_PASSWORD, csrf_token_from, fresh_database_url, make_app
from tests.results.conftest import definition_yaml

GATES: dict[str, threading.Event] = {}


@job("test.gated")
def gated(progress, *, gate: str, steps: int = 3, network_id: int | None = None) -> dict:
    """Reports one step, then waits for the test to open its gate, then finishes."""
    progress(1, steps)
    if not GATES[gate].wait(30):
        raise TimeoutError("the test never opened the gate")
    progress(steps - 1, steps)
    return {"gate": gate}


@job("test.writes")
def writes(progress, *, name: str, fail: bool = False, network_id: int | None = None) -> dict:
    """Adds a network named `name` (flushed, as an operation does), then fails if asked."""
    db.session.add(Network(name=name))
    db.session.flush()
    if fail:
        raise ValueError(f"the input for {name} is bad")
    return {"added": name}


@pytest.fixture(scope="module")
def committed_app(backend, tmp_path_factory):
    url, drop = fresh_database_url(backend, tmp_path_factory)
    app = make_app(url, REPORTS_DIR=str(tmp_path_factory.mktemp("reports")), JOB_RUNNER="inprocess")
    with app.app_context():
        upgrade()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    drop()


@pytest.fixture
def context(committed_app):
    with committed_app.app_context():
        yield committed_app
        db.session.rollback()


@pytest.fixture
def tenant(context):
    """A network of its own with an admin (committed): (network id, admin email). Ids, not rows: reading an
    expired row would open a read transaction, and on SQLite that holds off the runner's writes."""
    network = Network(name=f"Netværk {uuid.uuid4().hex[:8]}")
    db.session.add(network)
    db.session.flush()
    email = f"admin-{uuid.uuid4().hex[:8]}@example.org"
    add_user(email, TEST_PASSWORD, "network_admin", network)
    network_id = network.id
    db.session.commit()
    return network_id, email


def log_in(client, email: str) -> None:
    """Log `email` in; the client's pages are asked for in English (the portal's default language is Danish)."""
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    db.session.rollback()  # the test's own read transaction would hold off the login's write on SQLite
    page = client.get("/auth/login")
    response = client.post("/auth/login", data={"email": email, "password": TEST_PASSWORD,
                                                 "csrf_token": csrf_token_from(page.text)})
    assert response.status_code == 302, response.text


def wait_until_finished(job_id: int, seconds: float = 120) -> object:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        db.session.rollback()  # a fresh read each time
        status = job_status(job_id)
        if status.finished:
            return status
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} did not finish: {job_status(job_id)}")


def closed_round(network_id: int, responses: int = 6) -> int:
    """A closed round of two schools with `responses` answers each (committed), results not frozen yet: its id."""
    network = db.session.get(Network, network_id)
    text = definition_yaml()
    version = publish_definition(network, validate_source(text, "test.yaml", network=network), text, "test").version
    schools = []
    for code in ("ONE", "TWO"):
        school = School(network=network, code=code, name=f"Skolen {code}", type="EUD", region="Midtjylland")
        school.programs = [Program(code="EL", name="Elektriker")]
        schools.append(school)
    today = date.today()
    survey_round = SurveyRound(network=network, version=version, name="Runde", schools=schools,
                               opens_on=today - timedelta(days=40), closes_on=today - timedelta(days=1))
    db.session.add(survey_round)
    db.session.flush()
    for s, school in enumerate(schools):
        for r in range(responses):
            answers = bytes(1 + (r + s + i) % version.scale_points for i, _ in enumerate(version.items))
            db.session.add(Response(round_id=survey_round.id, school_id=school.id, program_id=school.programs[0].id,
                                    version_id=version.id, language="da", submitted_on=survey_round.opens_on,
                                    answers=answers, background=bytes(len(version.background_questions))))
    round_id = survey_round.id
    db.session.commit()
    return round_id
