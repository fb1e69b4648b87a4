"""The accessibility statement: public, in da/sv/en, with the directive's parts, linked from every page."""
from __future__ import annotations

import pytest

from tests.conftest import make_app


@pytest.mark.parametrize("language, title, enforcement", [
    ("da", "Tilgængelighedserklæring for Benchlearn", "Håndhævelsesprocedure"),
    ("sv", "Tillgänglighetsredogörelse för Benchlearn", "Tillsynsförfarande"),
    ("en", "Accessibility statement for Benchlearn", "Enforcement procedure"),
])
def test_statement_in_each_language_without_login(client, language, title, enforcement):
    page = client.get(f"/accessibility/{language}")
    assert page.status_code == 200
    assert f'<html lang="{language}">' in page.text
    assert title in page.text and enforcement in page.text
    assert "was.digst.dk" in page.text and "digg.se" in page.text
    assert "WCAG" in page.text


def test_statement_follows_the_browser_and_defaults_to_danish(client):
    assert client.get("/accessibility", headers={"Accept-Language": "sv-SE,sv;q=0.9"}).headers["Location"] \
        == "/accessibility/sv"
    assert client.get("/accessibility", headers={"Accept-Language": "fr"}).headers["Location"] == "/accessibility/da"


def test_feedback_contact_comes_from_the_setting(backend, tmp_path_factory, client):
    assert "write to the school or network that invited you" in client.get("/accessibility/en").text
    app = make_app("sqlite://", ACCESSIBILITY_CONTACT="tilgaengelighed@example.dk")
    page = app.test_client().get("/accessibility/da")
    assert "skriv til tilgaengelighed@example.dk" in page.text


def test_every_page_links_to_the_statement(client, login, admin):
    assert 'href="/accessibility"' in client.get("/auth/login").text
    login(admin)
    assert 'href="/accessibility"' in client.get("/admin/").text
