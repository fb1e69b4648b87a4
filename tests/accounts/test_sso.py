"""Single sign-on against a real OpenID Connect provider started here (oidc-provider-mock, in a thread): the
browser's redirects followed by hand with httpx (to the provider) and the test client (to the app), so every
hop of the authorization code flow with PKCE, state and nonce is real."""
from __future__ import annotations

from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
import oidc_provider_mock
from flask_migrate import upgrade

from survey.extensions import db
from tests.conftest import TEST_PASSWORD, csrf_token_from, fresh_database_url, make_app

NETWORK = "Skaraborgs skolnätverk"
SLUG = "skaraborgs_skolnaetverk"
PEOPLE = {
    "anna": {"email": "Anna@Skola.se", "email_verified": True},  # an active user (any case)
    "bo": {"email": "bo@skola.se", "email_verified": True},  # deactivated
    "cecilia": {"email": "cecilia@skola.se", "email_verified": True},  # no account
    "dag": {"email": "dag@skola.se", "email_verified": False},  # the provider did not verify the address
    "eva": {"email": "eva@annat.se", "email_verified": True},  # an account in another network
}


@pytest.fixture(scope="module")
def provider():
    users = [oidc_provider_mock.User(sub=sub, claims=claims) for sub, claims in PEOPLE.items()]
    with oidc_provider_mock.run_server_in_thread(require_nonce=True, user_claims=users) as server:
        yield f"http://localhost:{server.server_port}"


@pytest.fixture(scope="module")
def site(backend, provider, tmp_path_factory):
    from survey.accounts.operations import add_user
    from survey.network.models import Network

    url, drop = fresh_database_url(backend, tmp_path_factory)
    app = make_app(url, OIDC_PROVIDERS={SLUG.upper(): {"issuer": provider, "client_id": "benchlearn",
                                                       "client_secret": "s3cret", "name": "Skolfederation"}})
    with app.app_context():
        upgrade()
        network, other = Network(name=NETWORK), Network(name="Annat nätverk")
        db.session.add_all([network, other])
        add_user("anna@skola.se", TEST_PASSWORD, "network_admin", network)
        add_user("bo@skola.se", TEST_PASSWORD, "network_admin", network).active = False
        add_user("eva@annat.se", TEST_PASSWORD, "network_admin", other)
        db.session.commit()
    yield SimpleNamespace(app=app, provider=provider)
    with app.app_context():
        db.engine.dispose()
    drop()


def browser_signs_in(site, sub: str, tamper_state: bool = False):
    """Follow the redirects a browser would: app -> provider (choose `sub`) -> app's callback. Returns the app's
    client and the callback's response."""
    client = site.app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    login_page = client.get("/auth/login")
    assert "Sign in with Skolfederation" in login_page.text
    start = client.get(f"/auth/sso/{SLUG}")
    assert start.status_code == 302
    authorize = start.headers["Location"]
    query = parse_qs(urlsplit(authorize).query)
    assert authorize.startswith(site.provider)
    assert query["code_challenge_method"] == ["S256"] and query["code_challenge"][0]
    assert query["state"][0] and query["nonce"][0] and "openid" in query["scope"][0].split()
    with httpx.Client() as browser:
        assert browser.get(authorize).status_code == 200  # the provider's sign-in page
        chosen = browser.post(authorize, data={"sub": sub})
    assert chosen.status_code == 302
    back = urlsplit(chosen.headers["Location"])
    assert f"{back.scheme}://{back.netloc}" == "http://benchlearn.test"  # PUBLIC_URL, as registered
    callback = f"{back.path}?{back.query}"
    if tamper_state:
        state = parse_qs(back.query)["state"][0]
        callback = callback.replace(state, state[::-1])
    return client, client.get(callback)


def test_a_verified_email_of_an_active_user_signs_in(site):
    client, response = browser_signs_in(site, "anna")
    assert response.status_code == 302 and response.headers["Location"] == "/admin/"
    assert "anna@skola.se" in client.get("/admin/").text


@pytest.mark.parametrize(("sub", "message"), [
    ("cecilia", "has no Benchlearn account for this e-mail"),
    ("eva", "has no Benchlearn account for this e-mail"),
    ("bo", "has been deactivated"),
    ("dag", "did not confirm an e-mail address"),
])
def test_no_account_is_made_or_reached_by_signing_in(site, sub, message):
    client, response = browser_signs_in(site, sub)
    assert response.status_code == 403 and message in response.text
    assert client.get("/admin/").status_code == 302
    with site.app.app_context():
        from survey.accounts.models import User

        assert db.session.scalar(db.select(db.func.count(User.id))) == 3


def test_a_wrong_state_is_refused(site):
    client, response = browser_signs_in(site, "anna", tamper_state=True)
    assert response.status_code == 400 and "could not be completed" in response.text
    assert client.get("/admin/").status_code == 302


def test_networks_without_a_provider_have_no_sign_in(site):
    client = site.app.test_client()
    assert client.get("/auth/sso/annat_natverk").status_code == 404
    assert client.get("/auth/sso/annat_natverk/callback?code=x&state=y").status_code == 404
