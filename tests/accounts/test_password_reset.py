"""Password reset by e-mail: the same answer whether or not the address has an account, a link that works once
and for a limited time, the password rules, the sessions ended, and a limit on how often one may ask."""
from __future__ import annotations

import re

from survey.extensions import db
from tests.conftest import TEST_PASSWORD, csrf_token_from, fresh_database_url, make_app

from .conftest import link_in, messages_in
from .test_invitations import NEW_PASSWORD, choose_password


def ask_for_reset(client, email: str):
    page = client.get("/auth/forgot")
    return client.post("/auth/forgot", data={"csrf_token": csrf_token_from(page.text), "email": email})


def without(text: str, email: str) -> str:
    """The page with the address it repeats taken out."""
    return text.replace(email, "ADDRESS")


def test_the_answer_is_the_same_whether_or_not_the_address_has_an_account(client, admin, outbox, db_session):
    db_session.commit()
    unknown = ask_for_reset(client, "nobody@example.org")
    known = ask_for_reset(client, admin.email)
    assert unknown.status_code == known.status_code == 200
    assert without(unknown.text, "nobody@example.org") == without(known.text, admin.email)
    assert "Check your e-mail" in known.text
    [message] = messages_in(outbox, 1)
    assert message["To"] == admin.email
    assert messages_in(outbox) == [message] or len(messages_in(outbox)) == 1


def test_a_reset_link_works_once_and_ends_every_session(app, client, admin, login, outbox, db_session):
    login(admin)
    other_device = app.test_client()
    other_device.post("/auth/login", data={"email": admin.email, "password": TEST_PASSWORD,
                                           "csrf_token": csrf_token_from(other_device.get("/auth/login").text)})
    assert other_device.get("/admin/").status_code == 200
    client.post("/auth/logout", data={"csrf_token": csrf_token_from(client.get("/admin/").text)})
    ask_for_reset(client, admin.email.upper())
    path = link_in(messages_in(outbox, 1)[0])
    assert path.startswith("/auth/reset/")
    done = choose_password(client, path)
    assert done.status_code == 302
    assert "Your new password is saved" in client.get(done.headers["Location"]).text
    assert other_device.get("/admin/").status_code == 302  # the session on the other device ended
    assert client.get(path).status_code == 404  # salted with the old hash: used once, void
    page = client.get("/auth/login")
    old = client.post("/auth/login", data={"csrf_token": csrf_token_from(page.text), "email": admin.email,
                                           "password": TEST_PASSWORD})
    assert old.status_code == 401
    db.session.expire_all()
    new = client.post("/auth/login", data={"csrf_token": csrf_token_from(page.text), "email": admin.email,
                                           "password": NEW_PASSWORD})
    assert new.status_code == 302


def test_a_reset_link_expires(app, client, admin, outbox, db_session, monkeypatch):
    db_session.commit()
    ask_for_reset(client, admin.email)
    path = link_in(messages_in(outbox, 1)[0])
    monkeypatch.setitem(app.config, "PASSWORD_RESET_MAX_AGE", -1)
    assert client.get(path).status_code == 404


def test_a_tampered_or_foreign_link_is_refused(client, admin, staff, outbox, db_session):
    db_session.commit()
    ask_for_reset(client, staff.email)
    path = link_in(messages_in(outbox, 1)[0])
    token = path.removeprefix("/auth/reset/")
    payload, _, rest = token.partition(".")
    assert client.get(f"/auth/reset/{payload[:-1]}x.{rest}").status_code == 404
    assert client.get(f"/auth/set-password/{token}").status_code == 404  # another purpose, another salt


def test_deactivated_users_get_no_reset_mail(client, staff, outbox, db_session):
    staff.active = False
    db_session.commit()
    assert ask_for_reset(client, staff.email).status_code == 200
    assert ask_for_reset(client, "not an address").status_code == 200
    assert messages_in(outbox, 1, timeout=1.0) == []


def test_the_reset_page_keeps_the_rules(client, staff, outbox, db_session):
    db_session.commit()
    ask_for_reset(client, staff.email)
    path = link_in(messages_in(outbox, 1)[0])
    short = choose_password(client, path, "short")
    assert short.status_code == 422 and "at least 10 characters" in short.text
    assert re.search(r'<input[^>]+aria-invalid="true"[^>]+id="password"', short.text)


def test_asking_for_reset_links_is_rate_limited(tmp_path_factory, tmp_path):
    url, drop = fresh_database_url("sqlite", tmp_path_factory)
    app = make_app(url, RATELIMIT_ENABLED=True, PASSWORD_RESET_RATE_LIMIT="2 per minute",
                   MAIL_BACKEND="file", MAIL_OUTBOX=str(tmp_path))
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
    client = app.test_client()
    token = csrf_token_from(client.get("/auth/forgot").text)
    statuses = [client.post("/auth/forgot", data={"csrf_token": token, "email": f"x{i}@example.org"}).status_code
                for i in range(3)]
    assert statuses == [200, 200, 429]
    with app.app_context():
        db.engine.dispose()
    drop()


def test_every_account_form_refuses_a_post_without_its_csrf_token(client, admin, outbox, db_session):
    db_session.commit()
    ask_for_reset(client, admin.email)
    reset = link_in(messages_in(outbox, 1)[0])
    for path, data in [
        ("/auth/login", {"email": admin.email, "password": TEST_PASSWORD}),
        ("/auth/forgot", {"email": admin.email}),
        (reset, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}),
        ("/auth/two-factor/code", {"code": "123456"}),
    ]:
        response = client.post(path, data=data)
        assert response.status_code == 400 and "The form had expired" in response.text, path
    assert client.get(reset).status_code == 200  # nothing was changed
