"""`/healthz`: whether this app server can do its work, for the proxy and the process supervisor.

No login, no session, no write: it asks the database for one row and the operating system whether the report
store may be written, and answers 200 or 503 with what failed. Nothing in the answer names a host, a path or
a version, so it can be reached from outside without telling anyone anything useful.
"""
from flask import Blueprint

bp = Blueprint("health", __name__)

from survey.health import views  # noqa: E402,F401
