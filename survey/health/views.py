"""`GET /healthz`: 200 when every check passes, else 503 (the proxy and monitors read the status code)."""
from __future__ import annotations

from flask import jsonify

from survey.health import bp
from survey.health.checks import OK, database_answers, store_writable
from survey.reporting.storage import default_store


@bp.get("/healthz")
def healthz():
    checks = {"database": database_answers(), "report_store": store_writable(default_store().root)}
    healthy = all(result == OK for result in checks.values())
    response = jsonify(status="ok" if healthy else "failing", checks=checks)
    response.status_code = 200 if healthy else 503
    response.headers["Cache-Control"] = "no-store"
    return response
