"""Fixtures for the respondent side: a published questionnaire, a round, links and invitations."""
from __future__ import annotations

import hashlib
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta

import pytest

from survey.config import PROJECT_ROOT

TODAY = date.today()
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@contextmanager
def serving(app, drop) -> Iterator[str]:
    """The app on a live server on a free port (its base URL) until the block ends; then its connections are
    closed and its database dropped."""
    from werkzeug.serving import make_server

    from survey.extensions import db
    from survey.respond import connection as respondent_connection

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join()
        with app.app_context():
            respondent_connection.dispose(app)
            db.engine.dispose()
        drop()


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: drives Debian's chromium through Playwright against a live server")


def publish_questionnaire(network, family: str = "student", version: str = "2026"):
    from survey.catalog.operations import publish_definition, validate_source

    from survey.extensions import db

    db.session.flush()  # the network has its id
    path = PROJECT_ROOT / "questionnaires" / family / f"{version}.yaml"
    text = path.read_text(encoding="utf-8")
    return publish_definition(network, validate_source(text, str(path), network=network), text, "test").version


def create_round(network, version, schools, opens_on=None, closes_on=None, name="Round 2026"):
    from survey.extensions import db
    from survey.rounds.models import SurveyRound

    survey_round = SurveyRound(
        network=network,
        version=version,
        name=name,
        opens_on=opens_on or TODAY - timedelta(days=1),
        closes_on=closes_on or TODAY + timedelta(days=30),
    )
    survey_round.schools = list(schools)
    db.session.add(survey_round)
    db.session.flush()
    return survey_round


def create_link(survey_round, school, program=None):
    from survey.extensions import db
    from survey.rounds.models import SurveyLink

    link = SurveyLink(round=survey_round, school=school, program=program, token=secrets.token_urlsafe(24))
    db.session.add(link)
    db.session.flush()
    return link


def create_invitation(survey_round, school, email="person@example.org", used=False) -> str:
    """Returns the personal token (only its hash is stored)."""
    from survey.extensions import db
    from survey.rounds.models import PersonalInvitation

    token = secrets.token_urlsafe(24)
    db.session.add(
        PersonalInvitation(
            round=survey_round,
            school=school,
            email=email,
            token_hash=hashlib.sha256(token.encode()).hexdigest(),
            used=used,
        )
    )
    db.session.flush()
    return token


@pytest.fixture
def student_version(db_session, network):
    return publish_questionnaire(network, "student")


@pytest.fixture
def school(make_school):
    return make_school("NTS", programs=("EL", "VVS"))


@pytest.fixture
def open_round(db_session, network, student_version, school):
    return create_round(network, student_version, [school])


@pytest.fixture
def school_link(open_round, school):
    return create_link(open_round, school)


@pytest.fixture
def program_link(open_round, school):
    return create_link(open_round, school, school.programs[1])
