"""Single sign-on settings: which network a provider belongs to (its slug) and how the environment names it."""
from __future__ import annotations

import json

import pytest

from survey.auth.sso import network_slug
from survey.config import ConfigurationError, oidc_providers_from_env


@pytest.mark.parametrize(("name", "slug"), [
    ("Skaraborgs skolnätverk", "SKARABORGS_SKOLNAETVERK"),
    ("Erhvervsskolernes Kvalitetsnetværk", "ERHVERVSSKOLERNES_KVALITETSNETVAERK"),
    ("Århus & Ørestad -- IT", "AARHUS_OERESTAD_IT"),
    ("Région Île-de-France", "REGION_ILE_DE_FRANCE"),
])
def test_a_networks_slug_is_its_name_in_setting_form(name, slug):
    assert network_slug(name) == slug


def test_providers_come_from_variables_and_json():
    env = {
        "OIDC_PROVIDERS": json.dumps({"vuc_net": {"issuer": "https://a.example/", "client_id": "a",
                                                  "client_secret": "x"}}),
        "OIDC_SKARABORGS_SKOLNAETVERK_ISSUER": "https://login.skolfederation.example",
        "OIDC_SKARABORGS_SKOLNAETVERK_CLIENT_ID": "benchlearn",
        "OIDC_SKARABORGS_SKOLNAETVERK_CLIENT_SECRET": "s3cret",
        "OIDC_SKARABORGS_SKOLNAETVERK_NAME": "Skolfederation",
        "OIDC_VUC_NET_NAME": "UNI-Login",
    }
    providers = oidc_providers_from_env(env)
    assert providers == {
        "VUC_NET": {"issuer": "https://a.example", "client_id": "a", "client_secret": "x", "name": "UNI-Login"},
        "SKARABORGS_SKOLNAETVERK": {"issuer": "https://login.skolfederation.example", "client_id": "benchlearn",
                                    "client_secret": "s3cret", "name": "Skolfederation"},
    }


@pytest.mark.parametrize(("env", "message"), [
    ({"OIDC_NET_ISSUER": "https://x.example", "OIDC_NET_CLIENT_ID": "a"}, "NET lacks client_secret"),
    ({"OIDC_PROVIDERS": "{not json"}, "OIDC_PROVIDERS is not valid JSON"),
    ({"OIDC_PROVIDERS": "[1, 2]"}, "OIDC_PROVIDERS must be an object"),
])
def test_a_half_configured_provider_stops_the_start(env, message):
    with pytest.raises(ConfigurationError, match=message):
        oidc_providers_from_env(env)


def test_no_provider_no_button(client, db_session):
    page = client.get("/auth/login")
    assert page.status_code == 200 and "Sign in with" not in page.text
    assert client.get("/auth/sso/testnetvaerket").status_code == 404


def test_pages_speak_danish_and_swedish(client, db_session):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "da"
    assert "Glemt din adgangskode?" in client.get("/auth/login").text
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "sv"
    forgot = client.get("/auth/forgot").text
    assert "Glömt ditt lösenord?" in forgot and "Skicka mig en länk" in forgot


def test_the_login_prompt_is_in_the_visitors_language(client):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "sv"
    sent_away = client.get("/admin/users/")
    assert sent_away.headers["Location"].startswith("/auth/login")
    assert "Logga in för att se den här sidan." in client.get(sent_away.headers["Location"]).text


def test_a_provider_that_issues_its_addresses_may_be_trusted_without_email_verified(db_session, network, make_user):
    """Microsoft Entra ID sends no `email_verified`: by default such a sign-in is refused; with
    OIDC_<SLUG>_TRUST_EMAIL=1 the tenant's address is taken, still only for an existing active user."""
    from survey.auth.sso import SignInRefused, user_for_claims

    user = make_user("dag@skola.se", role="network_admin")
    db_session.flush()
    settings = oidc_providers_from_env({"OIDC_NET_ISSUER": "https://login.microsoftonline.example/t/v2.0",
                                        "OIDC_NET_CLIENT_ID": "a", "OIDC_NET_CLIENT_SECRET": "x",
                                        "OIDC_NET_TRUST_EMAIL": "1"})
    assert settings["NET"]["trust_email"] == "1"
    with pytest.raises(SignInRefused) as refused:
        user_for_claims(network, {"email": "dag@skola.se"})
    assert refused.value.reason == "unverified"
    assert user_for_claims(network, {"email": "Dag@Skola.se"}, trust_email=True) == user
    with pytest.raises(SignInRefused) as unknown:
        user_for_claims(network, {"email": "nobody@skola.se"}, trust_email=True)
    assert unknown.value.reason == "unknown"
