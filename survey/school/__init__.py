"""Pages for a school's quality staff. Every view requires the school_staff role and shows their school only."""
from flask import Blueprint

from survey.accounts.models import Role
from survey.auth.access import require_role

bp = Blueprint("school", __name__)


@bp.before_request
def _school_staff_only() -> None:
    require_role(Role.SCHOOL_STAFF)


from survey.school import views  # noqa: E402,F401
from survey.school import rounds  # noqa: E402,F401
from survey.school import exports  # noqa: E402,F401
