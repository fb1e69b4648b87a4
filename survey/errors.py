"""Friendly error pages with the right status codes; JSON for the API.

A database that cannot be reached (down, restarting, or the connection dropped) is not a bug of the request:
it answers 503 with Retry-After, so that browsers, the respondent form's script and clients try again.
"""
from __future__ import annotations

import psycopg
from flask import Flask, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy import exc as sa_exc
from werkzeug.exceptions import HTTPException, InternalServerError, ServiceUnavailable

from survey.extensions import db

MESSAGES = {
    400: "The request could not be understood.",
    403: "You do not have access to this page.",
    404: "This page does not exist.",
    405: "This address does not accept that kind of request.",
    413: "The file is too large.",
    422: "The submitted data could not be processed.",
    429: "Too many attempts. Please wait a minute and try again.",
    500: "Something went wrong on our side. The error has been logged; please try again later.",
    503: "The service is briefly unavailable. Nothing you sent was lost: please try again in a moment.",
}
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


def _render(code: int, description: str | None = None):
    message = MESSAGES.get(code, "An error occurred.")
    if _wants_json():
        return jsonify(error=message, status=code), code
    return render_template("error.html", code=code, message=message, description=description), code


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        if request.blueprint == "respond":
            from survey.respond.form import expired_form_page

            return expired_form_page()
        return _render(400, "The form had expired or was sent from elsewhere. Reload the page and try again.")

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code is None or error.code < 400:
            return error
        return _render(error.code)

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        if database_unavailable(error):
            app.logger.warning("Database unavailable on %s %s: %s", request.method, request.path, error)
            db.session.remove()  # its connection, if any, is dead: nothing to roll back on the server
            body, code = _render(ServiceUnavailable.code)
            return body, code, {"Retry-After": str(RETRY_AFTER_SECONDS)}
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        db.session.rollback()
        return _render(InternalServerError.code)
