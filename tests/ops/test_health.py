"""`/healthz` answers the proxy without a login: 200 when the database answers and the report store can be
written, 503 naming what failed otherwise; it sets no cookie."""
from __future__ import annotations

import pytest

from survey.extensions import db
from tests.conftest import make_app


def test_healthy_app_answers_200(app, client, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "REPORTS_DIR", str(tmp_path / "reports"))  # none built yet: its parent counts
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "checks": {"database": "ok", "report_store": "ok"}}
    assert "Set-Cookie" not in response.headers
    assert response.headers["Cache-Control"] == "no-store"


def test_a_report_store_that_cannot_be_written_answers_503(app, client, tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("REPORTS_DIR points below a file")
    monkeypatch.setitem(app.config, "REPORTS_DIR", str(blocker / "reports"))
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json["status"] == "failing"
    assert response.json["checks"] == {"database": "ok", "report_store": "not a directory"}


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_a_database_that_does_not_answer_answers_503(kind, tmp_path):
    url = {"sqlite": f"sqlite:///{tmp_path}/missing-folder/benchlearn.db",
           "postgresql": "postgresql+psycopg://benchlearn@127.0.0.1:1/benchlearn"}[kind]
    app = make_app(url, REPORTS_DIR=str(tmp_path))
    response = app.test_client().get("/healthz")
    with app.app_context():
        db.engine.dispose()
    assert response.status_code == 503
    assert response.json["checks"]["database"].startswith("unavailable")
    assert response.json["checks"]["report_store"] == "ok"
