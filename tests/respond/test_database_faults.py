"""The respondent's form when the PostgreSQL server drops its connections (it restarted) or cannot be reached.

PostgreSQL only: on SQLite there is no server to lose. The app runs as in production, on a fresh database with
committed data, so that respondents' requests take their own pooled connection (`survey.respond.connection`).
Dropping every connection of the test's database (`pg_terminate_backend`) is what a restart does to the
app's pooled connections, without restarting the server other tests share. `bench/faults.py` restarts a
server of its own under load.
"""
from __future__ import annotations

import socket
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from survey.catalog.operations import definition_of
from survey.extensions import db
from survey.respond import connection as respondent_connection
from survey.responses.models import Response
from tests.conftest import csrf_token_from, fresh_database_url, make_app
from tests.respond.conftest import create_link, create_round, publish_questionnaire
from tests.respond.test_form import expected_answers, page_posts

IN_PLACE = {"X-Respond-In-Place": "1"}


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    from survey.network.models import Network, Program, School

    url, drop = fresh_database_url("postgresql", tmp_path_factory)
    app = make_app(url)
    with app.app_context():
        upgrade()
        network = Network(name="Netværket")
        school = School(network=network, code="NTS", name="Skolen", type="EUD", region="Midtjylland")
        school.programs = [Program(code="EL", name="Elektriker")]
        db.session.add(network)
        version = publish_questionnaire(network, "student")
        survey_round = create_round(network, version, [school])
        token = create_link(survey_round, school).token
        definition = definition_of(version)
        db.session.commit()
    yield SimpleNamespace(app=app, url=url, token=token, definition=definition)
    with app.app_context():
        respondent_connection.dispose(app)
        db.engine.dispose()
    drop()


def drop_every_connection(url: str) -> int:
    """Terminate every other connection to the database, as a server restart does; how many there were."""
    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        dropped = connection.execute(sa.text(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()")).scalar()
    engine.dispose()
    return dropped


def test_a_respondent_goes_on_after_the_server_dropped_the_pooled_connections(served):
    client = served.app.test_client()
    token = served.token
    pages = list(page_posts(served.definition))
    landing = client.get(f"/s/{token}")
    shown = client.post(f"/s/{token}/start", data={"csrf_token": csrf_token_from(landing.text)}, headers=IN_PLACE)
    shown = client.post(f"/s/{token}/page/1", data={"csrf_token": csrf_token_from(shown.text), "move": "next",
                                                    **pages[0]}, headers=IN_PLACE)
    assert shown.headers["Content-Location"] == f"/s/{token}/page/2"

    assert drop_every_connection(served.url) >= 1  # the respondents' pooled connection among them
    for n, data in enumerate(pages[1:], start=2):
        shown = client.post(f"/s/{token}/page/{n}", data={"csrf_token": csrf_token_from(shown.text), "move": "next",
                                                          **data}, headers=IN_PLACE)
        assert shown.status_code == 200, f"page {n}: {shown.status_code}"
        if n == 2:
            drop_every_connection(served.url)  # and again, in the middle of the form
    thanks = client.post(f"/s/{token}/submit", data={"csrf_token": csrf_token_from(shown.text)}, headers=IN_PLACE)
    assert thanks.headers["Content-Location"] == f"/s/{token}/thanks"

    with served.app.app_context():
        db.engine.dispose()  # the session's pooled connection from the setup was dropped too
        assert db.session.scalars(sa.select(Response.answers)).all() == [expected_answers(served.definition)]
        db.session.remove()


def test_an_unreachable_database_answers_503_with_retry_after_not_500(tmp_path_factory):
    fresh_database_url("postgresql", tmp_path_factory)[1]()  # skips (or fails in CI) without PostgreSQL
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]  # nothing listens there once closed
    app = make_app(f"postgresql+psycopg://postgres@127.0.0.1:{port}/nowhere")
    client = app.test_client()

    page = client.get("/s/some-link-token", headers={"Accept-Language": "en"})
    assert page.status_code == 503 and page.headers["Retry-After"] == "5"
    assert "try again in a moment" in page.text
    assert "prøv igen om et øjeblik" in client.get("/s/some-link-token").text  # no language asked: Danish
    api = client.get("/api/v1/rounds", headers={"Authorization": "Bearer some-token"})
    assert api.status_code == 503 and api.headers["Retry-After"] == "5"
    assert api.json["status"] == 503
