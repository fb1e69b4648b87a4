"""Bearer tokens: how they are issued, stored, checked and revoked; which routes are public."""
from __future__ import annotations

import hashlib
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from survey.api.tokens import TokenError, create_token, revoke_token
from survey.results.models import ApiToken


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def assert_challenge(response, error: str | None = None) -> None:
    assert response.status_code == 401
    assert response.is_json and response.json["status"] == 401 and response.json["error"]
    challenge = response.headers["WWW-Authenticate"]
    assert challenge.startswith('Bearer realm="benchlearn"')
    assert (f'error="{error}"' in challenge) if error else ("error=" not in challenge)


@pytest.mark.parametrize("path", ["/rounds", "/rounds/1", "/rounds/1/counts", "/rounds/1/results", "/rounds/1/items"])
def test_every_data_route_needs_a_token(client, path):
    assert_challenge(client.get(f"/api/v1{path}"))


@pytest.mark.parametrize("header", ["Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "Token abc"])
def test_a_malformed_authorization_header_is_a_missing_token(client, header):
    assert_challenge(client.get("/api/v1/rounds", headers={"Authorization": header}))


def test_an_unknown_token_is_refused(client, admin, token_of):
    token_of(admin)
    assert_challenge(client.get("/api/v1/rounds", headers=bearer("not-a-real-token")), "invalid_token")


def test_a_revoked_token_is_refused(client, admin, db_session):
    plain = create_token(admin, "dashboard")
    assert client.get("/api/v1/rounds", headers=bearer(plain)).status_code == 200
    token = db_session.scalar(select(ApiToken))
    assert revoke_token(token) is True
    assert_challenge(client.get("/api/v1/rounds", headers=bearer(plain)), "invalid_token")


def test_a_deactivated_users_token_is_refused(client, staff, db_session):
    plain = create_token(staff, "dashboard")
    staff.active = False
    db_session.flush()
    assert_challenge(client.get("/api/v1/rounds", headers=bearer(plain)), "invalid_token")


def test_the_scheme_is_case_insensitive(client, admin):
    plain = create_token(admin, "dashboard")
    assert client.get("/api/v1/rounds", headers={"Authorization": f"bearer {plain}"}).status_code == 200


@pytest.mark.parametrize("path", ["/health", "/openapi.json"])
def test_public_routes_need_no_token(client, path):
    response = client.get(f"/api/v1{path}")
    assert response.status_code == 200 and response.is_json


def test_only_the_tokens_sha256_is_stored(admin, db_session):
    plain = create_token(admin, "dashboard")
    assert len(plain) >= 43  # 32 random bytes
    token = db_session.scalar(select(ApiToken))
    assert token.token_hash == hashlib.sha256(plain.encode()).hexdigest()
    stored = [getattr(token, column.key) for column in ApiToken.__table__.columns]
    assert not any(plain in str(value) for value in stored)
    assert token.user_id == admin.id and token.created_on == date.today() and token.revoked_on is None


def test_each_token_is_new(admin):
    assert create_token(admin, "one") != create_token(admin, "two")


def test_last_used_on_is_set_to_the_day_of_use(client, admin, db_session):
    plain = create_token(admin, "dashboard")
    token = db_session.scalar(select(ApiToken))
    token.last_used_on = date.today() - timedelta(days=3)
    db_session.flush()
    assert client.get("/api/v1/rounds", headers=bearer(plain)).status_code == 200
    db_session.refresh(token)
    assert token.last_used_on == date.today()


@pytest.mark.parametrize("name", ["", "   ", "x" * 101])
def test_a_token_needs_a_sensible_name(admin, name):
    with pytest.raises(TokenError):
        create_token(admin, name)


def test_an_inactive_user_gets_no_token(staff):
    staff.active = False
    with pytest.raises(TokenError, match="deactivated"):
        create_token(staff, "dashboard")


def test_revoking_twice_keeps_the_first_date(admin, db_session):
    create_token(admin, "dashboard")
    token = db_session.scalar(select(ApiToken))
    first = date.today() - timedelta(days=2)
    assert revoke_token(token, today=first) is True
    assert revoke_token(token) is False
    assert token.revoked_on == first


# --- the `benchlearn token` command ------------------------------------------------------------------


def test_cli_creates_a_token_printed_once_on_stdout(cli, client, staff):
    result = cli("token", "create", "Staff@Example.org", "--name", "BI dashboard")
    assert result.exit_code == 0, result.stderr
    plain = result.stdout.strip()
    assert "\n" not in plain and "not shown again" in result.stderr and "STAFFSCH" in result.stderr
    assert client.get("/api/v1/rounds", headers=bearer(plain)).status_code == 200
    listed = cli("token", "list", "staff@example.org")
    assert "BI dashboard" in listed.stdout and "active" in listed.stdout and plain not in listed.stdout


def test_cli_revokes_by_id(cli, client, admin, db_session):
    plain = cli("token", "create", admin.email, "--name", "export").stdout.strip()
    token = db_session.scalar(select(ApiToken))
    result = cli("token", "revoke", str(token.id))
    assert result.exit_code == 0 and "revoked token" in result.stdout
    assert_challenge(client.get("/api/v1/rounds", headers=bearer(plain)), "invalid_token")
    again = cli("token", "revoke", str(token.id))
    assert again.exit_code == 0 and "already revoked" in again.stdout


def test_cli_reports_unknown_users_and_tokens(cli, admin):
    assert "no user" in cli("token", "create", "nobody@example.org", "--name", "x").stderr
    missing = cli("token", "revoke", "999999")
    assert missing.exit_code == 1 and "no token with id 999999" in missing.stderr
