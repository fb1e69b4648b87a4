"""Bearer-token authentication for /api/v1 (RFC 6750).

Every API view needs a valid token unless it is marked `@public`. The token is looked up by its SHA-256;
an unknown or revoked token, or one whose user is deactivated, gets a 401 JSON answer with a
`WWW-Authenticate` challenge. A token's `last_used_on` is updated at most once a day.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import date

from flask import current_app, g, jsonify, request

from survey.accounts.models import User
from survey.api import bp
from survey.api.tokens import token_by_plain
from survey.extensions import db

REALM = "benchlearn"


def public(view: Callable) -> Callable:
    """Mark a view as open to anyone: no token needed (the OpenAPI document states `security: []`)."""
    view.api_public = True
    return view


def is_public(endpoint: str | None) -> bool:
    view = current_app.view_functions.get(endpoint) if endpoint else None
    return bool(getattr(view, "api_public", False))


def current_api_user() -> User:
    """The user whose token authenticated this request (set before every non-public view)."""
    return g.api_user


def _challenge(message: str, error: str | None = None):
    header = f'Bearer realm="{REALM}"' + (f', error="{error}"' if error else "")
    response = jsonify(error=message, status=401)
    response.status_code = 401
    response.headers["WWW-Authenticate"] = header
    return response


def bearer_token() -> str | None:
    scheme, _, credentials = request.headers.get("Authorization", "").partition(" ")
    credentials = credentials.strip()
    return credentials if scheme.lower() == "bearer" and credentials else None


@bp.before_request
def authenticate_token():
    if is_public(request.endpoint):
        return None
    plain = bearer_token()
    if plain is None:
        return _challenge("This API needs a token: send 'Authorization: Bearer <token>'.")
    token = db.session.scalar(token_by_plain(plain))
    if token is None or token.revoked_on is not None or not token.user.active:
        return _challenge("The token is unknown, revoked or belongs to a deactivated user.", "invalid_token")
    today = date.today()
    if token.last_used_on != today:
        token.last_used_on = today
        db.session.commit()  # the API only reads: this is the request's one write
    g.api_user = token.user
    return None
