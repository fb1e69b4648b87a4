"""The JSON API under /api/v1: read-only catalog and health now; results with token auth later."""
from flask import Blueprint

bp = Blueprint("api", __name__)

from survey.api import views  # noqa: E402,F401
