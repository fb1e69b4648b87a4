"""Logging in and out (password, second factor, single sign-on), passwords set from an invitation or reset by
e-mail, and the second factor's enrolment; role checks for the other blueprints."""
from flask import Blueprint

bp = Blueprint("auth", __name__)

from survey.auth import views  # noqa: E402,F401
from survey.auth import password_views  # noqa: E402,F401
from survey.auth import two_factor_views  # noqa: E402,F401
from survey.auth import sso_views  # noqa: E402,F401
