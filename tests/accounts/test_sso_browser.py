"""Single sign-on in Chromium: the login page's "Sign in with ..." button, the provider's page, and back, for a
user with an account and one without; axe-core checks the app's pages on the way."""
from __future__ import annotations

from types import SimpleNamespace

import oidc_provider_mock
import pytest
from flask_migrate import upgrade
from playwright.sync_api import expect

from survey.extensions import db
from tests.conftest import TEST_PASSWORD, fresh_database_url, make_app
from tests.respond.conftest import serving

from .test_browser import Checked

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def live(backend, tmp_path_factory):
    from survey.accounts.operations import add_user
    from survey.network.models import Network

    people = [oidc_provider_mock.User(sub=sub, claims={"email": f"{sub}@kommun.example", "email_verified": True})
              for sub in ("ingrid", "okand")]
    with oidc_provider_mock.run_server_in_thread(user_claims=people) as provider:
        url, drop = fresh_database_url(backend, tmp_path_factory)
        app = make_app(url, SERVER_NAME=None, OIDC_PROVIDERS={"SKOLNAETET": {
            "issuer": f"http://localhost:{provider.server_port}", "client_id": "benchlearn",
            "client_secret": "s3cret", "name": "Kommunens inloggning"}})
        with app.app_context():
            upgrade()
            network = Network(name="Skolnätet")
            db.session.add(network)
            add_user("ingrid@kommun.example", TEST_PASSWORD, "network_admin", network)
            db.session.commit()
        with serving(app, drop) as base:
            app.config["PUBLIC_URL"] = base  # the provider sends the browser back here
            yield SimpleNamespace(base=base)


def sign_in_as(checked: Checked, sub: str) -> None:
    page = checked.page
    page.goto("/auth/login")
    checked.check("login with single sign-on")
    page.get_by_role("link", name="Sign in with Kommunens inloggning").click()
    page.get_by_role("button", name=sub, exact=True).click()  # the provider's page: sign in as `sub`


def test_a_user_with_an_account_signs_in(browser, live):
    checked = Checked(browser, live.base)
    sign_in_as(checked, "ingrid")
    expect(checked.page.get_by_role("heading", name="Skolnätet")).to_be_visible()
    expect(checked.page.get_by_role("button", name="Log out (ingrid@kommun.example)")).to_be_visible()
    checked.close()


def test_someone_without_an_account_is_told_to_ask_the_admin(browser, live):
    checked = Checked(browser, live.base)
    sign_in_as(checked, "okand")
    expect(checked.page.get_by_role("heading", name="No access with this sign-in")).to_be_visible()
    expect(checked.page.get_by_text("ask your network's admin to invite you")).to_be_visible()
    checked.check("no account")
    checked.page.goto("/admin/")
    expect(checked.page.get_by_role("heading", name="Log in")).to_be_visible()
    checked.close()
