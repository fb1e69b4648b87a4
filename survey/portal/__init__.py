"""What the staff and admin pages of every feature share: their two audiences, their one commit, their language.

A feature package keeps its admin views and its staff views on blueprints made here, so that each gets its
audience's URL prefix (`/admin`, `/school`) and role check in one place, and the request's transaction is
ended in one place: views call operations (which flush) and never commit. `survey.portal.language` chooses
the portal's language and stores a user's choice.
"""
from __future__ import annotations

from flask import Blueprint, Response, flash, g, request

from survey.accounts.models import Role
from survey.audit.operations import keep_read_entries
from survey.auth.access import require_role
from survey.extensions import db

ADMIN_PREFIX = "/admin"
STAFF_PREFIX = "/school"
ORGANISER_PREFIX = "/organiser"


def refuse(message: str) -> None:
    """Tell the user why their request was refused (a flashed error) and keep nothing it changed: the request
    ends with a rollback even though the view answers with a redirect."""
    flash(message, "error")
    g.refused = True


def end_transaction(response: Response) -> Response:
    """The request's one commit: a POST the view answered with success (2xx or a redirect) and did not
    `refuse`. Anything else is rolled back: a GET never writes (but for the audit entries of a download), and a
    refused or invalid form leaves nothing behind."""
    if request.method == "POST" and response.status_code < 400 and not g.get("refused"):
        db.session.commit()
    else:
        db.session.rollback()
        if request.method == "GET" and response.status_code < 400:
            keep_read_entries()  # a download is logged: the one thing a GET keeps
    return response


def _audience_blueprint(name: str, import_name: str, role: Role, prefix: str) -> Blueprint:
    """A blueprint whose every request is refused unless the user holds `role`. The check is the blueprint's
    first URL value preprocessor, so it runs before the blueprint's loader looks anything up for the user."""
    bp = Blueprint(name, import_name, url_prefix=prefix)
    bp.url_value_preprocessor(lambda _endpoint, _values: require_role(role))
    bp.after_request(end_transaction)
    return bp


def admin_blueprint(name: str, import_name: str) -> Blueprint:
    """Pages for network admins, under /admin: they see their own network's objects only."""
    return _audience_blueprint(name, import_name, Role.NETWORK_ADMIN, ADMIN_PREFIX)


def staff_blueprint(name: str, import_name: str) -> Blueprint:
    """Pages for a school's quality staff, under /school: they see their own school only."""
    return _audience_blueprint(name, import_name, Role.SCHOOL_STAFF, STAFF_PREFIX)


def organiser_blueprint(name: str, import_name: str) -> Blueprint:
    """Pages for an organiser's staff, under /organiser: read-only results of their organiser and its schools."""
    return _audience_blueprint(name, import_name, Role.ORGANISER_STAFF, ORGANISER_PREFIX)
