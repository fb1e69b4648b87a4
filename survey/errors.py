"""Friendly error pages with the right status codes; JSON for the API.

A database that cannot be reached (down, restarting, or the connection dropped) is not a bug of the request:
it answers 503 with Retry-After, so that browsers, the respondent form's script and clients try again.
"""
from __future__ import annotations

import math
import time

import psycopg
from flask import Flask, Response, jsonify, render_template, request
from flask_babel import force_locale, gettext as _, lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy import exc as sa_exc
from werkzeug.exceptions import HTTPException, InternalServerError, SecurityError, ServiceUnavailable

from survey.extensions import db, limiter

MESSAGES = {
    400: _l("The request could not be understood."),
    403: _l("You do not have access to this page."),
    404: _l("This page does not exist."),
    405: _l("This address does not accept that kind of request."),
    413: _l("The file is too large."),
    422: _l("The submitted data could not be processed."),
    429: _l("Too many attempts. Please wait a minute and try again."),
    500: _l("Something went wrong on our side. The error has been logged; please try again later."),
    503: _l("The service is briefly unavailable. Nothing you sent was lost: please try again in a moment."),
}
"""In the reader's language (the page's locale); the API answers in English, for programs."""
RETRY_AFTER_SECONDS = 5


def database_unavailable(error: BaseException) -> bool:
    """The database server could not be reached or dropped the connection: SQLAlchemy saw a disconnect, or
    the driver's error has no SQLSTATE (no server answered) or one of class 08 (connection exception) or 57
    (operator intervention: shutting down, starting up). Errors of a statement are not this."""
    if isinstance(error, sa_exc.DBAPIError):
        if error.connection_invalidated:
            return True
        error = error.orig
    if not isinstance(error, psycopg.OperationalError):
        return False
    return error.sqlstate is None or error.sqlstate[:2] in ("08", "57")


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def _render(code: int, description: str | None = None, headers: list[tuple[str, str]] | None = None):
    if _wants_json():
        with force_locale("en"):
            message = str(MESSAGES.get(code, "An error occurred."))
        return jsonify(error=message, status=code), code, headers or []
    message = MESSAGES[code] if code in MESSAGES else _("An error occurred.")
    return render_template("error.html", code=code, message=message, description=description), code, headers or []


def _headers_of(error: HTTPException) -> list[tuple[str, str]]:
    """What the error says besides its page: `Allow` of a 405, `WWW-Authenticate` of a 401; `Retry-After` of a
    429, from the limit that was hit."""
    headers = [(name, value) for name, value in error.get_headers() if name.lower() != "content-type"]
    if error.code == 429 and limiter.current_limit is not None:
        hit = limiter.current_limit  # reset_at is in whole seconds: never say more than the limit's window
        seconds = min(hit.limit.get_expiry(), max(1, math.ceil(hit.reset_at - time.time())))
        headers.append(("Retry-After", str(seconds)))
    return headers


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        if request.blueprint == "respond":
            from survey.respond.form import expired_form_page

            return expired_form_page()
        return _render(400, _("The form had expired or was sent from elsewhere. Reload the page and try again."))

    @app.errorhandler(SecurityError)
    def untrusted_host(error: SecurityError):
        """A Host outside TRUSTED_HOSTS: no URL can be built for it, so no page with links either."""
        with force_locale("en"):  # a page without a host has no reader's language either
            text = f"{MESSAGES[400]} This host name is not served here.\n"
        return Response(text, 400, mimetype="text/plain")

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code is None or error.code < 400:
            return error
        return _render(error.code, headers=_headers_of(error))

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        if database_unavailable(error):
            app.logger.warning("Database unavailable on %s %s: %s", request.method, request.path, error)
            db.session.remove()  # its connection, if any, is dead: nothing to roll back on the server
            return _render(ServiceUnavailable.code, headers=[("Retry-After", str(RETRY_AFTER_SECONDS))])
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        db.session.rollback()
        return _render(InternalServerError.code)
