"""Fixtures: the app on SQLite and on PostgreSQL, its schema built by the migrations, each test rolled back.

Every test that uses `app` runs once per database. PostgreSQL comes from TEST_POSTGRES_URL (default: the
local server); without it the PostgreSQL half is skipped with the reason, except in CI, where it fails.
"""
from __future__ import annotations

import contextvars
import os
import re
import uuid

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient
from flask_migrate import upgrade
from flask_sqlalchemy.session import Session as FlaskSession

from survey import create_app
from survey.extensions import db

POSTGRES_SERVER_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
TEST_PASSWORD = "correct horse battery"


class FreshContextClient(FlaskClient):
    """Sends each request from an empty context, as a real server would: no app context, `g` or login
    state leaks in from the test that holds its own app context for setting up data."""

    def open(self, *args, **kwargs):
        return contextvars.Context().run(super().open, *args, **kwargs)


class ConnectionBoundSession(FlaskSession):
    """Every session of a test shares the test's connection, so the whole test is rolled back at the end."""

    def get_bind(self, *args, **kwargs):
        return self.bind


def postgres_unavailable_reason() -> str | None:
    try:
        engine = sa.create_engine(POSTGRES_SERVER_URL)
        with engine.connect():
            pass
        engine.dispose()
        return None
    except sa.exc.OperationalError as error:
        return f"PostgreSQL at {POSTGRES_SERVER_URL} is not reachable ({error.orig})"


def fresh_database_url(kind: str, tmp_path_factory) -> tuple[str, object]:
    """A new empty database and a function that drops it."""
    if kind == "sqlite":
        path = tmp_path_factory.mktemp("db") / "benchlearn.db"
        return f"sqlite:///{path}", lambda: None
    reason = postgres_unavailable_reason()
    if reason:
        if IN_CI:
            pytest.fail(f"{reason}; CI must run every test on PostgreSQL")
        pytest.skip(reason)
    name = f"benchlearn_test_{uuid.uuid4().hex[:12]}"
    server = sa.create_engine(POSTGRES_SERVER_URL, isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = sa.engine.make_url(POSTGRES_SERVER_URL).set(database=name).render_as_string(hide_password=False)

    def drop() -> None:
        with server.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        server.dispose()

    return url, drop


def make_app(url: str, **overrides):
    config = {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": url,
        "SECRET_KEY": "test-secret",
        "RATELIMIT_ENABLED": False,
        "SERVER_NAME": "benchlearn.test",
        "PUBLIC_URL": "http://benchlearn.test",
    }
    config.update(overrides)
    app = create_app(config)
    app.test_client_class = FreshContextClient
    return app


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def backend(request) -> str:
    return request.param


@pytest.fixture(scope="session")
def app(backend, tmp_path_factory):
    url, drop = fresh_database_url(backend, tmp_path_factory)
    app = make_app(url)
    with app.app_context():
        upgrade()
    yield app
    with app.app_context():
        db.engine.dispose()
    drop()


@pytest.fixture
def db_session(app):
    """An app context whose sessions all run inside one transaction, rolled back after the test."""
    with app.app_context():
        connection = db.engine.connect()
        outer = connection.begin()
        original = db.session
        db.session = db._make_scoped_session(
            {"bind": connection, "join_transaction_mode": "create_savepoint", "class_": ConnectionBoundSession}
        )
        try:
            yield db.session
        finally:
            db.session.remove()
            db.session = original
            outer.rollback()
            connection.close()


@pytest.fixture
def client(app, db_session):
    return app.test_client()


@pytest.fixture
def cli(app, db_session):
    runner = app.test_cli_runner()  # click 8.2+: result.stdout and result.stderr apart

    def invoke(*args: str, **kwargs):
        return runner.invoke(args=list(args), catch_exceptions=False, **kwargs)

    return invoke


# --- factories -------------------------------------------------------------------------------------------


@pytest.fixture
def make_network(db_session):
    from survey.network.models import Network

    def make(name: str = "Testnetværket", **kwargs) -> Network:
        network = Network(name=name, **kwargs)
        db_session.add(network)
        db_session.flush()
        return network

    return make


@pytest.fixture
def network(make_network):
    return make_network()


@pytest.fixture
def make_school(db_session, network):
    from survey.network.models import Program, School

    def make(code: str = "ABC", name: str | None = None, type: str = "EUD", region: str = "Midtjylland", programs=("EL",)):
        school = School(network=network, code=code, name=name or f"Skolen {code}", type=type, region=region)
        school.programs = [Program(code=p, name=f"Program {p}") for p in programs]
        db_session.add(school)
        db_session.flush()
        return school

    return make


@pytest.fixture
def make_user(db_session, network):
    from survey.accounts.operations import add_user

    def make(email: str, role: str = "school_staff", school=None, password: str = TEST_PASSWORD,
             locale: str | None = "en", organiser=None):
        """A user who chose `locale` for the portal: English by default, so that tests read the English
        wording (the stored choice wins over the browser's); None follows the browser, else Danish."""
        user = add_user(email, password, role, network, school, organiser)
        user.locale = locale
        return user

    return make


@pytest.fixture
def admin(make_user):
    return make_user("admin@example.org", role="network_admin")


@pytest.fixture
def staff(make_user, make_school):
    return make_user("staff@example.org", school=make_school("STAFFSCH"))


@pytest.fixture
def add_responses(db_session):
    """`count` submitted responses at `school` (and `program`), answers drawn from a seeded generator."""
    import random

    from survey.responses.models import Response

    rng = random.Random(20260101)

    def add(survey_round, school, count: int = 1, program=None) -> None:
        version = survey_round.version
        for _ in range(count):
            db_session.add(
                Response(
                    round_id=survey_round.id,
                    school_id=school.id,
                    program_id=program.id if program else None,
                    version_id=version.id,
                    language="da",
                    submitted_on=survey_round.opens_on,
                    answers=bytes(rng.randint(1, version.scale_points) for _ in version.items),
                    background=bytes(len(version.background_questions)),
                )
            )
        db_session.flush()

    return add


CSRF_PATTERN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


def csrf_token_from(html: str) -> str:
    match = CSRF_PATTERN.search(html)
    assert match, "the page has no CSRF token"
    return match.group(1) or match.group(2)


@pytest.fixture
def login(client, db_session):
    def log_in(user, password: str = TEST_PASSWORD):
        db_session.commit()
        page = client.get("/auth/login")
        response = client.post(
            "/auth/login",
            data={"email": user.email, "password": password, "csrf_token": csrf_token_from(page.text)},
        )
        assert response.status_code == 302, response.text
        return response

    return log_in


@pytest.fixture(scope="session")
def browser():
    """One chromium for every browser test of the session, whichever folder it is in: Playwright's sync API
    allows one instance a thread."""
    from playwright.sync_api import sync_playwright

    from tests.respond.conftest import CHROMIUM, CHROMIUM_ARGS

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
