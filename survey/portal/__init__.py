"""What the staff and admin pages of every feature share: their two audiences and their language.

A feature package keeps its admin views and its staff views on blueprints made here, so that each gets its
audience's URL prefix (`/admin`, `/school`) and role check in one place; `survey.portal.language` chooses the
portal's language and stores a user's choice.
"""
from __future__ import annotations

from flask import Blueprint

from survey.accounts.models import Role
from survey.auth.access import require_role

ADMIN_PREFIX = "/admin"
STAFF_PREFIX = "/school"


def _audience_blueprint(name: str, import_name: str, role: Role, prefix: str) -> Blueprint:
    """A blueprint whose every request is refused unless the user holds `role`. The check is the blueprint's
    first URL value preprocessor, so it runs before the blueprint's loader looks anything up for the user."""
    bp = Blueprint(name, import_name, url_prefix=prefix)
    bp.url_value_preprocessor(lambda _endpoint, _values: require_role(role))
    return bp


def admin_blueprint(name: str, import_name: str) -> Blueprint:
    """Pages for network admins, under /admin: they see their own network's objects only."""
    return _audience_blueprint(name, import_name, Role.NETWORK_ADMIN, ADMIN_PREFIX)


def staff_blueprint(name: str, import_name: str) -> Blueprint:
    """Pages for a school's quality staff, under /school: they see their own school only."""
    return _audience_blueprint(name, import_name, Role.SCHOOL_STAFF, STAFF_PREFIX)
