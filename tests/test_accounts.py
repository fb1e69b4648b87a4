"""Accounts: creation rules, argon2 hashes, login/logout, CSRF, rate limiting and roles on every view."""
import re

import pytest
import sqlalchemy as sa
from sqlalchemy import select

from survey.accounts.models import User
from survey.extensions import db

from .conftest import TEST_PASSWORD, csrf_token_from, fresh_database_url, make_app


def test_user_add_cli_creates_an_admin_with_an_argon2_hash(cli, network):
    result = cli("user", "add", "Quality@Example.org", "--role", "network_admin", "--password", "a long enough secret")
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "quality@example.org"))
    assert user.role == "network_admin" and user.school is None
    assert user.password_hash.startswith("$argon2id$")


def test_user_add_cli_binds_staff_to_their_school(cli, make_school):
    make_school("NTS")
    result = cli("user", "add", "kvalitet@nts.dk", "--role", "school_staff", "--school", "NTS", "--password", "0123456789")
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(User).where(User.email == "kvalitet@nts.dk")).school.code == "NTS"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--role", "school_staff"], "school staff must belong to a school"),
        (["--role", "school_staff", "--school", "NOPE"], "no school with code 'NOPE'"),
        (["--role", "network_admin", "--school", "NTS"], "a network admin belongs to the network"),
    ],
)
def test_user_add_cli_explains_what_is_wrong(cli, make_school, args, message):
    make_school("NTS")
    result = cli("user", "add", "x@example.org", *args, "--password", "0123456789")
    assert result.exit_code == 1
    assert message in result.stderr


def test_user_add_refuses_a_short_password_and_a_duplicate(cli, admin):
    short = cli("user", "add", "new@example.org", "--role", "network_admin", "--password", "short")
    assert short.exit_code == 1 and "at least 10 characters" in short.stderr
    duplicate = cli("user", "add", "ADMIN@example.org", "--role", "network_admin", "--password", "0123456789")
    assert duplicate.exit_code == 1 and "already exists" in duplicate.stderr


def test_the_database_refuses_staff_without_a_school(db_session, network):
    db_session.add(User(email="x@example.org", password_hash="h", role="school_staff", network=network))
    with pytest.raises(sa.exc.IntegrityError):
        db_session.flush()
    db_session.rollback()


def test_login_sends_each_role_home_and_logout_ends_the_session(client, admin, staff, login):
    assert login(admin).headers["Location"] == "/admin/"
    page = client.get("/admin/")
    assert page.status_code == 200
    client.post("/auth/logout", data={"csrf_token": csrf_token_from(page.text)})
    assert client.get("/admin/").status_code == 302
    assert login(staff).headers["Location"] == "/school/"
    assert "Skolen STAFFSCH" in client.get("/school/").text


def test_a_session_cookie_captured_before_logout_no_longer_logs_in(client, admin, login):
    from survey.api.tokens import create_token

    api_token = create_token(admin, "kept over logout")
    login(admin)
    captured = client.get_cookie("session", domain="benchlearn.test").value
    page = client.get("/admin/")
    assert page.status_code == 200
    client.post("/auth/logout", data={"csrf_token": csrf_token_from(page.text)})
    client.set_cookie("session", captured, domain="benchlearn.test")  # an attacker replays the old cookie
    replayed = client.get("/admin/")
    assert replayed.status_code == 302 and replayed.headers["Location"].startswith("/auth/login")
    assert client.get("/api/v1/rounds", headers={"Authorization": f"Bearer {api_token}"}).status_code == 200
    login(admin)  # logging in again gives a new session that works
    assert client.get("/admin/").status_code == 200


def test_wrong_password_gives_one_message_for_both_fields(client, admin, db_session):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    db_session.commit()
    page = client.get("/auth/login")
    for email in (admin.email, "nobody@example.org"):
        response = client.post(
            "/auth/login", data={"email": email, "password": "wrong password", "csrf_token": csrf_token_from(page.text)}
        )
        assert response.status_code == 401
        assert "The e-mail or the password is not right." in response.text


def test_login_without_csrf_token_is_refused(client, admin, db_session):
    db_session.commit()
    response = client.post("/auth/login", data={"email": admin.email, "password": TEST_PASSWORD},
                           headers={"Accept-Language": "en"})  # before logging in: the browser's language
    assert response.status_code == 400
    assert "The form had expired" in response.text


def test_login_only_redirects_within_the_site(client, admin, db_session):
    db_session.commit()
    page = client.get("/auth/login")
    response = client.post(
        "/auth/login?next=https://evil.example/phish",
        data={"email": admin.email, "password": TEST_PASSWORD, "csrf_token": csrf_token_from(page.text)},
    )
    assert response.headers["Location"] == "/admin/"


def test_anonymous_visitors_are_sent_to_login(client):
    response = client.get("/admin/questionnaires")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login?next=")


def _urls_of(app, audience: str):
    """Every route under /admin or /school, whichever feature's blueprint serves it."""
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(f"/{audience}/"):
            url = re.sub(r"<(?:\w+:)?\w+>", "1", rule.rule)
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                yield method, url


def test_school_staff_get_403_on_every_admin_page(app, client, staff, login):
    login(staff)
    token = csrf_token_from(client.get("/school/").text)  # a valid token: the role check itself must refuse
    urls = list(_urls_of(app, "admin"))
    assert len(urls) >= 8
    for method, url in urls:
        assert client.open(url, method=method, data={"csrf_token": token}).status_code == 403, (method, url)


def test_admins_get_403_on_every_school_page(app, client, admin, login):
    login(admin)
    token = csrf_token_from(client.get("/admin/").text)
    for method, url in _urls_of(app, "school"):
        assert client.open(url, method=method, data={"csrf_token": token}).status_code == 403, (method, url)


def test_inactive_users_cannot_log_in(client, admin, db_session):
    admin.active = False
    db_session.commit()
    page = client.get("/auth/login")
    response = client.post(
        "/auth/login", data={"email": admin.email, "password": TEST_PASSWORD, "csrf_token": csrf_token_from(page.text)}
    )
    assert response.status_code == 401


def test_login_is_rate_limited(tmp_path_factory):
    url, drop = fresh_database_url("sqlite", tmp_path_factory)
    app = make_app(url, RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="3 per minute")
    client = app.test_client()
    page = client.get("/auth/login")
    token = csrf_token_from(page.text)
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
    statuses = [
        client.post("/auth/login", data={"email": "a@example.org", "password": "x", "csrf_token": token}).status_code
        for _ in range(4)
    ]
    assert statuses == [401, 401, 401, 429]
    assert client.get("/auth/login").status_code == 200  # only attempts are limited, not the page
    drop()


def test_admin_changes_the_networks_anonymity_settings(client, admin, login, network):
    login(admin)
    page = client.get("/admin/settings")
    assert 'value="5"' in page.text
    token = csrf_token_from(page.text)
    assert network.admins_read_comments is False and 'name="admins_read_comments"' in page.text
    refused = client.post("/admin/settings", data={"csrf_token": token, "k_min": "2", "driver_min_cases": "100",
                                                   "minimal_difference": "3"})
    assert refused.status_code == 422
    assert "Give a whole number from 3 to 100: a group of fewer than 3 is never shown." in refused.text
    db.session.expire_all()
    assert network.k_min == 5
    saved = client.post(
        "/admin/settings", data={"csrf_token": token, "k_min": "10", "driver_min_cases": "150", "share_school_names": "y",
                                 "admins_read_comments": "y", "minimal_difference": "2.5"}
    )
    assert saved.status_code == 302
    db.session.expire_all()
    assert (network.k_min, network.share_school_names, network.driver_min_cases) == (10, True, 150)
    assert network.minimal_difference == 2.5
    assert network.admins_read_comments is True
