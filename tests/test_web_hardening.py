"""The web layer's hardening: security headers on every kind of response, 405 with Allow, 429 with Retry-After,
client addresses from X-Forwarded-For only behind a configured number of trusted proxies."""
from __future__ import annotations

import pytest
from flask_migrate import upgrade

from survey.api.tokens import create_token
from survey.extensions import db, limiter
from survey.respond import connection as respondent_connection
from survey.rounds.operations import ensure_links
from tests.conftest import csrf_token_from, fresh_database_url, make_app
from tests.respond.conftest import create_link, create_round, publish_questionnaire


def assert_secured(response, what: str) -> None:
    headers = response.headers
    policy = headers.get("Content-Security-Policy", "")
    directives = dict((part.strip().split(" ", 1) + [""])[:2] for part in policy.split(";") if part.strip())
    assert directives.get("default-src") == "'self'", (what, policy)
    assert directives.get("script-src") == "'self'", (what, policy)  # no inline script, no eval
    assert directives.get("style-src") == "'self'", (what, policy)
    assert directives.get("frame-ancestors") == "'none'" and directives.get("object-src") == "'none'", (what, policy)
    assert headers.get("X-Frame-Options") == "DENY", what
    assert headers.get("X-Content-Type-Options") == "nosniff", what
    assert headers.get("Referrer-Policy") == "same-origin", what


@pytest.fixture
def open_link(db_session, network, make_school):
    school = make_school("NTS", programs=("EL",))
    survey_round = create_round(network, publish_questionnaire(network, "student"), [school])
    link = create_link(survey_round, school)
    db_session.commit()
    return survey_round, link


def test_every_kind_of_response_carries_the_security_headers(client, login, admin, open_link):
    survey_round, link = open_link
    token = create_token(admin, "headers")
    db.session.commit()
    anonymous = {
        "front page": client.get("/"),
        "login page": client.get("/auth/login"),
        "respondent landing page": client.get(f"/s/{link.token}"),
        "respondent page again (computed once)": client.get(f"/s/{link.token}"),
        "unknown respondent link": client.get("/s/no-such-link"),
        "JSON API": client.get("/api/v1/rounds", headers={"Authorization": f"Bearer {token}"}),
        "API error": client.get("/api/v1/rounds"),
        "static file": client.get("/static/benchlearn.css"),
        "404": client.get("/no/such/page"),
        "405": client.get("/auth/logout"),
        "respondent 405": client.get(f"/s/{link.token}/start"),
    }
    expected = {"unknown respondent link": 404, "API error": 401, "404": 404, "405": 405, "respondent 405": 405}
    login(admin)
    logged_in = {
        "admin page": client.get("/admin/"),
        "file download": client.get(f"/admin/rounds/{survey_round.id}/links.csv"),
        "plotly.js": client.get("/admin/results/plotly.min.js"),
    }
    for what, response in {**anonymous, **logged_in}.items():
        assert response.status_code == expected.get(what, 200), (what, response.status_code)
        assert_secured(response, what)
        assert "Strict-Transport-Security" not in response.headers, what  # not in development
        response.close()


def test_405_names_the_allowed_methods(client, open_link):
    _round, link = open_link
    logout = client.get("/auth/logout")
    assert logout.status_code == 405 and "POST" in logout.headers["Allow"] and "GET" not in logout.headers["Allow"]
    respondent = client.get(f"/s/{link.token}/start")
    assert respondent.status_code == 405 and "POST" in respondent.headers["Allow"]
    api = client.put("/api/v1/rounds")
    assert api.status_code == 405 and "GET" in api.headers["Allow"] and api.is_json


@pytest.fixture(scope="module")
def production_app(backend, tmp_path_factory):
    url, drop = fresh_database_url(backend, tmp_path_factory)
    app = make_app(url, ENVIRONMENT="production")
    with app.app_context():
        upgrade()
    yield app
    with app.app_context():
        respondent_connection.dispose(app)
        db.engine.dispose()
    drop()


def test_production_sends_hsts_on_https_only(production_app):
    from survey.network.models import Network, Program, School

    with production_app.app_context():
        network = Network(name="HSTS")
        school = School(network=network, code="H", name="H", type="EUD", region="R")
        school.programs = [Program(code="EL", name="El")]
        db.session.add(network)
        survey_round = create_round(network, publish_questionnaire(network, "student"), [school])
        token = ensure_links(survey_round)[0].token
        db.session.commit()
    client = production_app.test_client()
    for path in ("/auth/login", f"/s/{token}", "/static/respond.css", "/no/such/page"):
        with client.get(path, base_url="https://benchlearn.test") as secure:
            assert secure.headers["Strict-Transport-Security"].startswith("max-age=31556926"), path
            assert_secured(secure, path)
        with client.get(path) as plain:
            assert "Strict-Transport-Security" not in plain.headers, path  # plain HTTP: not sent


@pytest.fixture
def limited_app(tmp_path_factory):
    """A fresh app whose login is limited to 2 attempts a minute (each test a new memory store)."""
    url, drop = fresh_database_url("sqlite", tmp_path_factory)
    made = []

    def make(**overrides):
        app = make_app(url, RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="2 per minute", **overrides)
        with app.app_context():
            upgrade()
        made.append(app)
        return app

    yield make
    limiter.enabled = False  # the limiter is one object for every app of this process: the others run without
    for app in made:
        with app.app_context():
            db.engine.dispose()
    drop()


def attempt_login(client, address: str | None = None) -> int:
    headers = {"X-Forwarded-For": address} if address else {}
    token = csrf_token_from(client.get("/auth/login", headers=headers).text)
    return client.post("/auth/login", data={"email": "a@example.org", "password": "x", "csrf_token": token},
                       headers=headers).status_code


def test_429_says_when_to_retry(limited_app):
    client = limited_app().test_client()
    assert [attempt_login(client) for _ in range(2)] == [401, 401]
    token = csrf_token_from(client.get("/auth/login").text)
    refused = client.post("/auth/login", data={"email": "a@example.org", "password": "x", "csrf_token": token},
                          headers={"Accept-Language": "en"})
    assert refused.status_code == 429 and "Too many attempts" in refused.text
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert_secured(refused, "429")


def test_forwarded_addresses_count_only_behind_a_trusted_proxy(limited_app):
    behind_proxy = limited_app(TRUSTED_PROXIES=1).test_client()
    assert [attempt_login(behind_proxy, "203.0.113.1") for _ in range(3)] == [401, 401, 429]
    assert attempt_login(behind_proxy, "203.0.113.2") == 401  # another client behind the proxy: its own limit

    direct = limited_app(TRUSTED_PROXIES=0).test_client()
    assert [attempt_login(direct, "203.0.113.1") for _ in range(2)] == [401, 401]
    assert attempt_login(direct, "203.0.113.2") == 429  # a forged header does not make a new client
