"""Optional TOTP second factor for admins: enrolment proves the app has the secret, login then asks for a code,
a code is never accepted twice, recovery codes work once, and the secret is stored encrypted."""
from __future__ import annotations

import re
import time

import pyotp
from sqlalchemy import select

from survey.accounts.models import RecoveryCode, User
from survey.extensions import db
from tests.conftest import TEST_PASSWORD, csrf_token_from

SECRET = re.compile(r'<code class="secret">([A-Z2-7 ]+)</code>')
RECOVERY = re.compile(r"<li><code>([A-Z0-9-]{19})</code></li>")


def enrol(client) -> tuple[str, list[str]]:
    """Turn two-factor on from the admin's page; returns the secret and the recovery codes shown."""
    page = client.get("/auth/two-factor")
    assert page.status_code == 200 and 'src="data:image/svg+xml' in page.text
    secret = SECRET.search(page.text).group(1).replace(" ", "")
    wrong = client.post("/auth/two-factor/enable", data={"csrf_token": csrf_token_from(page.text), "code": "000000"})
    assert wrong.status_code == 422 and "That code is not right" in wrong.text
    assert SECRET.search(wrong.text).group(1).replace(" ", "") == secret  # the same key, to try again
    done = client.post("/auth/two-factor/enable", data={"csrf_token": csrf_token_from(page.text),
                                                        "code": pyotp.TOTP(secret).now()})
    assert done.status_code == 200, done.text
    codes = RECOVERY.findall(done.text)
    assert len(codes) == 10
    return secret, codes


def log_in_with_password(client, user) -> object:
    page = client.get("/auth/login")
    return client.post("/auth/login", data={"csrf_token": csrf_token_from(page.text), "email": user.email,
                                            "password": TEST_PASSWORD})


def give_code(client, code: str):
    page = client.get("/auth/two-factor/code")
    return client.post("/auth/two-factor/code", data={"csrf_token": csrf_token_from(page.text), "code": code})


def log_out(client) -> None:
    client.post("/auth/logout", data={"csrf_token": csrf_token_from(client.get("/admin/").text)})


def next_code(secret: str) -> str:
    """The code of the next 30-second step: the step of the code just used is never accepted again."""
    return pyotp.TOTP(secret).at(time.time() + 30)


def test_enrol_then_the_login_asks_for_a_code(client, admin, login, db_session):
    login(admin)
    secret, _ = enrol(client)
    stored = db.session.scalar(select(User.totp_secret).where(User.id == admin.id))
    assert stored and secret not in stored  # encrypted
    log_out(client)

    after_password = log_in_with_password(client, admin)
    assert after_password.headers["Location"] == "/auth/two-factor/code"
    assert client.get("/admin/").status_code == 302  # not logged in yet
    wrong = give_code(client, "123456")
    assert wrong.status_code == 401 and "That code is not right" in wrong.text
    code = next_code(secret)
    assert give_code(client, code).headers["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    log_out(client)

    log_in_with_password(client, admin)
    assert give_code(client, code).status_code == 401  # the same code, replayed
    assert give_code(client, pyotp.TOTP(secret).at(time.time() + 60)).status_code == 401  # beyond the window


def test_a_recovery_code_works_once(client, admin, login, db_session):
    login(admin)
    _, codes = enrol(client)
    log_out(client)
    log_in_with_password(client, admin)
    assert give_code(client, codes[3].lower().replace("-", " ")).headers["Location"] == "/admin/"
    assert db.session.scalar(select(db.func.count(RecoveryCode.id)).where(RecoveryCode.user_id == admin.id)) == 9
    log_out(client)
    log_in_with_password(client, admin)
    assert give_code(client, codes[3]).status_code == 401


def test_turning_it_off_takes_a_code(client, admin, login, db_session):
    login(admin)
    secret, _ = enrol(client)
    page = client.get("/auth/two-factor")
    assert "Two-factor authentication is on" in page.text
    refused = client.post("/auth/two-factor/disable", data={"csrf_token": csrf_token_from(page.text), "code": "1"})
    assert refused.status_code == 422
    done = client.post("/auth/two-factor/disable", data={"csrf_token": csrf_token_from(page.text),
                                                         "code": next_code(secret)})
    assert done.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, admin.id).totp_secret is None
    assert db.session.scalar(select(db.func.count(RecoveryCode.id)).where(RecoveryCode.user_id == admin.id)) == 0
    log_out(client)
    assert log_in_with_password(client, admin).headers["Location"] == "/admin/"


def test_the_code_page_needs_a_password_first_and_expires(app, client, admin, login, db_session, monkeypatch):
    assert client.get("/auth/two-factor/code").headers["Location"] == "/auth/login"
    login(admin)
    secret, _ = enrol(client)
    log_out(client)
    log_in_with_password(client, admin)
    page = client.get("/auth/two-factor/code")
    monkeypatch.setattr("survey.auth.views.PENDING_SECONDS", -1)  # five minutes went by
    late = client.post("/auth/two-factor/code", data={"csrf_token": csrf_token_from(page.text),
                                                      "code": next_code(secret)})
    assert late.headers["Location"] == "/auth/login"
    assert client.get("/admin/").status_code == 302


def test_only_admins_enrol(client, staff, login):
    login(staff)
    token = csrf_token_from(client.get("/school/").text)
    assert client.get("/auth/two-factor").status_code == 403
    assert client.post("/auth/two-factor/enable", data={"csrf_token": token, "code": "123456"}).status_code == 403


def test_codes_are_rate_limited_per_account_whatever_the_address(tmp_path_factory):
    from flask_migrate import upgrade

    from survey.accounts.operations import add_user, enable_two_factor
    from survey.network.models import Network
    from tests.conftest import fresh_database_url, make_app

    url, drop = fresh_database_url("sqlite", tmp_path_factory)
    app = make_app(url, RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="100 per minute")
    with app.app_context():
        upgrade()
        network = Network(name="Grænsenetværket")
        db.session.add(network)
        user = add_user("guarded@example.org", TEST_PASSWORD, "network_admin", network)
        secret = pyotp.random_base32()
        enable_two_factor(user, secret, pyotp.TOTP(secret).now())
        email = user.email
        db.session.commit()
    client = app.test_client()
    page = client.get("/auth/login")
    client.post("/auth/login", data={"csrf_token": csrf_token_from(page.text), "email": email,
                                     "password": TEST_PASSWORD})
    token = csrf_token_from(client.get("/auth/two-factor/code").text)
    valid = {pyotp.TOTP(secret).at(time.time() + offset) for offset in (-60, -30, 0, 30, 60)}
    wrong = [code for code in (f"{n:06d}" for n in range(1, 20)) if code not in valid][:6]
    statuses = [
        client.post("/auth/two-factor/code", data={"csrf_token": token, "code": code},
                    environ_base={"REMOTE_ADDR": f"10.0.0.{n}"}).status_code
        for n, code in enumerate(wrong, start=1)
    ]
    assert statuses == [401] * 5 + [429]
    with app.app_context():
        db.engine.dispose()
    drop()
