"""The JSON API under /api/v1: the catalog, rounds, counts and results; practice cards, a school's own action
plans and its benchlearning requests (survey/api/benchlearning.py). Token auth in survey/api/auth.py."""
from flask import Blueprint

from survey.portal import end_transaction

bp = Blueprint("api", __name__)
# The API only reads: each request ends with a rollback, and a download keeps only its audit entry, as on the
# portal (the token's "last used" day is committed by auth.authenticate_token).
bp.after_request(end_transaction)

from survey.api import benchlearning, views  # noqa: E402,F401
