"""Users admin: invitations with a single-use set-password link, re-sending, role changes, deactivation, and the
same through the CLI. Every page checks that the user belongs to the admin's own network."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from survey.accounts.models import User
from survey.extensions import db
from tests.conftest import TEST_PASSWORD, csrf_token_from

from .conftest import link_in, messages_in

NEW_PASSWORD = "a brand new passphrase"


def invite(client, email: str, role: str = "school_staff", school=None):
    page = client.get("/admin/users/invite")
    return client.post("/admin/users/invite", data={
        "csrf_token": csrf_token_from(page.text), "email": email, "role": role,
        "school": str(school.id) if school else "",
    })


def choose_password(client, path: str, password: str = NEW_PASSWORD, confirm: str | None = None):
    page = client.get(path)
    assert page.status_code == 200, page.text
    return client.post(path, data={"csrf_token": csrf_token_from(page.text), "username": "x",
                                   "password": password, "confirm": confirm or password})


def user_named(email: str) -> User:
    db.session.expire_all()
    return db.session.scalar(select(User).where(User.email == email))


def test_an_invited_user_sets_a_password_once_and_logs_in(client, admin, login, make_school, outbox, db_session):
    school = make_school("NTS")
    login(admin)
    response = invite(client, "Kvalitet@NTS.dk", school=school)
    assert response.status_code == 302, response.text
    listing = client.get("/admin/users/")
    assert "kvalitet@nts.dk" in listing.text and "password not set yet" in listing.text
    [message] = messages_in(outbox)
    assert message["To"] == "kvalitet@nts.dk"
    path = link_in(message)
    client.post("/auth/logout", data={"csrf_token": csrf_token_from(listing.text)})

    assert choose_password(client, path).headers["Location"] == "/auth/login"
    assert user_named("kvalitet@nts.dk").has_password
    used_again = client.get(path)
    assert used_again.status_code == 404 and "This link no longer works" in used_again.text
    assert login(user_named("kvalitet@nts.dk"), NEW_PASSWORD).headers["Location"] == "/school/"
    assert "Skolen NTS" in client.get("/school/").text


def test_an_invited_user_cannot_log_in_before_choosing_a_password(client, admin, login, outbox, db_session):
    login(admin)
    invite(client, "new.admin@example.org", role="network_admin")
    client.post("/auth/logout", data={"csrf_token": csrf_token_from(client.get("/admin/").text)})
    page = client.get("/auth/login")
    for password in ("", "benchlearn-timing-equaliser", TEST_PASSWORD):  # the dummy hash's own password too
        response = client.post("/auth/login", data={"csrf_token": csrf_token_from(page.text),
                                                    "email": "new.admin@example.org", "password": password})
        assert response.status_code == 401


def test_the_password_rules_apply_and_nothing_is_lost(client, admin, login, outbox, db_session):
    login(admin)
    invite(client, "rules@example.org", role="network_admin")
    path = link_in(messages_in(outbox)[0])
    short = choose_password(client, path, "too short")
    assert short.status_code == 422 and "at least 10 characters" in short.text
    different = choose_password(client, path, NEW_PASSWORD, "another passphrase!")
    assert different.status_code == 422 and "The two passwords are not the same." in different.text
    assert not user_named("rules@example.org").has_password
    assert choose_password(client, path).status_code == 302  # the link still works after mistakes


def test_resending_voids_the_earlier_link(client, admin, login, outbox, db_session):
    login(admin)
    invite(client, "late@example.org", role="network_admin")
    user = user_named("late@example.org")
    page = client.get(f"/admin/users/{user.id}")
    assert "Send the invitation again" in page.text
    client.post(f"/admin/users/{user.id}/resend", data={"csrf_token": csrf_token_from(page.text)})
    first, second = messages_in(outbox, 2)
    assert client.get(link_in(first)).status_code == 404
    assert client.get(link_in(second)).status_code == 200


def test_an_expired_link_no_longer_works(app, client, admin, login, outbox, db_session, monkeypatch):
    login(admin)
    invite(client, "slow@example.org", role="network_admin")
    monkeypatch.setitem(app.config, "INVITATION_MAX_AGE", -1)
    assert client.get(link_in(messages_in(outbox)[0])).status_code == 404


def test_deactivating_ends_sessions_and_voids_the_invitation(app, client, admin, staff, login, outbox, db_session):
    staff_client = app.test_client()
    staff_client.post("/auth/login", data={"email": staff.email, "password": TEST_PASSWORD,
                                           "csrf_token": csrf_token_from(staff_client.get("/auth/login").text)})
    assert staff_client.get("/school/").status_code == 200
    login(admin)
    invite(client, "never@example.org", role="network_admin")
    path = link_in(messages_in(outbox)[0])
    for email in (staff.email, "never@example.org"):
        user = user_named(email)
        page = client.get(f"/admin/users/{user.id}")
        done = client.post(f"/admin/users/{user.id}/deactivate", data={"csrf_token": csrf_token_from(page.text)})
        assert done.status_code == 302
        assert "is deactivated and logged out everywhere" in client.get(done.headers["Location"]).text
    assert staff_client.get("/school/").headers["Location"].startswith("/auth/login")
    assert client.get(path).status_code == 404
    staff_user = user_named(staff.email)
    page = client.get(f"/admin/users/{staff_user.id}")
    client.post(f"/admin/users/{staff_user.id}/reactivate", data={"csrf_token": csrf_token_from(page.text)})
    assert user_named(staff.email).active
    assert client.get(path).status_code == 404  # reactivating someone else does not revive an old link


def test_an_admin_changes_role_and_school(client, admin, staff, login, make_school, db_session):
    other = make_school("OTHER")
    login(admin)
    page = client.get(f"/admin/users/{staff.id}")
    token = csrf_token_from(page.text)
    missing = client.post(f"/admin/users/{staff.id}", data={"csrf_token": token, "role": "school_staff", "school": ""})
    assert missing.status_code == 422 and "Choose the school this person works at." in missing.text
    moved = client.post(f"/admin/users/{staff.id}", data={"csrf_token": token, "role": "school_staff",
                                                          "school": str(other.id)})
    assert moved.status_code == 302 and user_named(staff.email).school.code == "OTHER"
    promoted = client.post(f"/admin/users/{staff.id}", data={"csrf_token": token, "role": "network_admin",
                                                             "school": ""})
    assert promoted.status_code == 302
    assert user_named(staff.email).is_network_admin and user_named(staff.email).school is None


def test_admins_cannot_lock_themselves_out(client, admin, login, db_session):
    login(admin)
    page = client.get(f"/admin/users/{admin.id}")
    token = csrf_token_from(page.text)
    refused = client.post(f"/admin/users/{admin.id}/deactivate", data={"csrf_token": token})
    assert "You cannot deactivate your own account" in client.get(refused.headers["Location"]).text
    demoted = client.post(f"/admin/users/{admin.id}", data={"csrf_token": token, "role": "school_staff",
                                                            "school": ""})
    assert demoted.status_code == 422
    assert user_named(admin.email).active and user_named(admin.email).is_network_admin


def test_an_invitation_that_cannot_be_sent_creates_nobody(app, client, admin, login, db_session, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_BACKEND", "smtp")
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", 9)  # discard: nothing listens, the connection is refused
    login(admin)
    response = invite(client, "unlucky@example.org", role="network_admin")
    assert response.status_code == 422
    assert "could not be sent" in response.text and 'value="unlucky@example.org"' in response.text
    assert user_named("unlucky@example.org") is None


def test_admins_see_and_change_only_their_own_networks_users(client, admin, login, make_network, db_session):
    from survey.accounts.operations import add_user
    from survey.network.models import School

    elsewhere = make_network("Andet netværk")
    school = School(network=elsewhere, code="FAR", name="Langt væk", type="EUD", region="Nordjylland")
    db_session.add(school)
    db_session.flush()
    stranger = add_user("stranger@example.org", TEST_PASSWORD, "school_staff", elsewhere, school)
    login(admin)
    assert "stranger@example.org" not in client.get("/admin/users/").text
    token = csrf_token_from(client.get("/admin/users/").text)
    assert client.get(f"/admin/users/{stranger.id}").status_code == 404
    for action in ("deactivate", "resend", "reactivate"):
        assert client.post(f"/admin/users/{stranger.id}/{action}", data={"csrf_token": token}).status_code == 404
    page = client.get("/admin/users/invite")
    foreign_school = client.post("/admin/users/invite", data={
        "csrf_token": csrf_token_from(page.text), "email": "x@example.org", "role": "school_staff",
        "school": str(school.id)})
    assert foreign_school.status_code == 422 and user_named("x@example.org") is None
    assert user_named("stranger@example.org").active


def test_school_staff_and_visitors_reach_no_users_page(app, client, staff, login):
    urls = [(method, rule.rule.replace("<int:user_id>", str(staff.id)))
            for rule in app.url_map.iter_rules() if rule.endpoint.startswith("accounts.")
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"})]
    assert len(urls) >= 6
    for method, url in urls:
        assert client.open(url, method=method).status_code in (302, 400), (method, url)  # 400: POST without CSRF
    login(staff)
    token = csrf_token_from(client.get("/school/").text)
    for method, url in urls:
        assert client.open(url, method=method, data={"csrf_token": token}).status_code == 403, (method, url)


def test_cli_invites_and_deactivates(cli, make_school, outbox, admin):
    make_school("NTS")
    result = cli("user", "invite", "Ny@NTS.dk", "--role", "school_staff", "--school", "NTS", "--language", "sv")
    assert result.exit_code == 0, result.output
    [message] = messages_in(outbox)
    assert message["To"] == "ny@nts.dk" and "Välj ditt lösenord här" in message.get_content()
    assert user_named("ny@nts.dk").invitation_pending
    again = cli("user", "invite", "ny@nts.dk", "--role", "school_staff", "--school", "NTS")
    assert again.exit_code == 1 and "already exists" in again.stderr
    assert cli("user", "deactivate", "NY@nts.dk").exit_code == 0
    assert not user_named("ny@nts.dk").active
    last = cli("user", "deactivate", admin.email)
    assert last.exit_code == 1 and "last active admin" in last.stderr
    assert cli("user", "reactivate", "ny@nts.dk").exit_code == 0 and user_named("ny@nts.dk").active


@pytest.mark.parametrize("path", ["/admin/users/invite"])
def test_forms_without_a_csrf_token_are_refused(client, admin, login, path, db_session):
    login(admin)
    response = client.post(path, data={"email": "x@example.org", "role": "network_admin", "school": ""})
    assert response.status_code == 400 and user_named("x@example.org") is None


def test_an_admin_invites_organiser_staff_who_land_on_their_organisers_page(client, admin, login, outbox,
                                                                             db_session, network):
    from survey.network.models import Organiser

    organiser = Organiser(network=network, code="0180", name="Stockholms kommun", kind="municipality")
    db_session.add(organiser)
    db_session.flush()
    login(admin)
    page = client.get("/admin/users/invite")
    refused = client.post("/admin/users/invite", data={
        "csrf_token": csrf_token_from(page.text), "email": "k@stockholm.se", "role": "organiser_staff",
        "school": "", "organiser": ""})
    assert refused.status_code == 422 and "Choose the organiser this person works for." in refused.text
    response = client.post("/admin/users/invite", data={
        "csrf_token": csrf_token_from(page.text), "email": "k@stockholm.se", "role": "organiser_staff",
        "school": "", "organiser": str(organiser.id)})
    assert response.status_code == 302, response.text
    assert user_named("k@stockholm.se").organiser.code == "0180"
    path = link_in(messages_in(outbox)[0])
    client.post("/auth/logout", data={"csrf_token": csrf_token_from(client.get("/admin/users/").text)})
    choose_password(client, path)
    assert login(user_named("k@stockholm.se"), NEW_PASSWORD).headers["Location"] == "/organiser/"
    assert "Stockholms kommun" in client.get("/organiser/").text
