"""The app factory, configuration, error pages and the front page."""
import pytest

from survey import create_app
from survey.config import ConfigurationError


def test_production_refuses_the_default_secret(monkeypatch):
    monkeypatch.setenv("BENCHLEARN_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ConfigurationError, match="SECRET_KEY"):
        create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})


def test_production_starts_with_a_real_secret(monkeypatch):
    monkeypatch.setenv("BENCHLEARN_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "a-long-random-value-from-the-environment")
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_database_url_for_postgres_uses_psycopg3(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@db.example/benchlearn")
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@db.example/benchlearn"


def test_k_min_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("K_MIN", "10")
    assert create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"}).config["K_MIN"] == 10


def test_front_page_points_respondents_and_staff_the_right_way(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "Use the link your school gave you" in response.text
    assert 'href="/auth/login"' in response.text


def test_unknown_page_is_a_friendly_404(client):
    response = client.get("/no/such/page", headers={"Accept-Language": "en"})
    assert response.status_code == 404
    assert "This page does not exist" in response.text
    assert "<html" in response.text


def test_api_errors_are_json(client):
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.json == {"error": "This page does not exist.", "status": 404}


def test_wrong_method_is_405(client):
    assert client.get("/auth/logout").status_code == 405


def test_health_reaches_the_database(client):
    assert client.get("/api/v1/health").json == {"status": "ok"}
