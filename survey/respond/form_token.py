"""The respondent forms' CSRF token, bound to a random cookie of the browser instead of a login session.

Respondents are anonymous and have no session. Flask-WTF keeps its token in Flask's signed session cookie, which
every respondent request would decode, verify and sign again: about 0.3 ms of CPU a request, more than the
request's own database work, on the requests a whole school sends in the same lesson. Here the token is an HMAC,
under a key derived from SECRET_KEY, of a random value in the `bl_form` cookie (the signed double-submit cookie
pattern): another site can neither read that cookie nor compute the token from it. A POST without the cookie or
with another token raises Flask-WTF's own CSRFError, so it gets the same "form expired" page as before.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets

from flask import current_app, g, request
from flask_wtf.csrf import CSRFError

COOKIE = "bl_form"
FIELD = "csrf_token"


def _token_for(value: str) -> str:
    key = current_app.extensions.get("respondent_form_key")
    if key is None:  # derived once per app: the secret itself never signs anything else this way
        key = hmac.new(current_app.secret_key.encode(), b"benchlearn respondent form", hashlib.sha256).digest()
        current_app.extensions["respondent_form_key"] = key
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()


def form_token() -> str:
    """This browser's token for a form (a new cookie value is made, and set by `set_cookie`, when it has none)."""
    value = request.cookies.get(COOKIE)
    if not value:
        value = g.setdefault("new_form_cookie", secrets.token_urlsafe(24))
    return _token_for(value)


def check_form_token() -> None:
    """Raise CSRFError unless the POST carries the token of this browser's cookie."""
    if not current_app.config.get("WTF_CSRF_ENABLED", True):
        return
    value = request.cookies.get(COOKIE)
    sent = request.form.get(FIELD, "")
    if not value or not hmac.compare_digest(sent.encode(), _token_for(value).encode()):
        raise CSRFError("The respondent form's token is missing or does not match this browser.")


def set_cookie(response):
    """Give the browser the cookie a token on this page was made from (it lives as long as the browser session)."""
    value = g.get("new_form_cookie")
    if value:
        response.set_cookie(COOKIE, value, path="/" + request.path.split("/")[1], httponly=True, samesite="Lax",
                            secure=bool(request.is_secure or current_app.config.get("SESSION_COOKIE_SECURE")))
    return response
