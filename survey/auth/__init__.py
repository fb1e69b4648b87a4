"""Login and logout for school staff and network admins; role checks for the other blueprints."""
from flask import Blueprint

bp = Blueprint("auth", __name__)

from survey.auth import views  # noqa: E402,F401
