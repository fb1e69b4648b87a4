"""Single sign-on with OpenID Connect, one provider per network (Authlib's Flask client).

Each configured network (survey/config.py, `oidc_providers_from_env`) gets an Authlib client that finds the
provider's endpoints by discovery (`<issuer>/.well-known/openid-configuration`, fetched on first use, never at
start-up) and signs in with the authorization code flow, PKCE (S256), `state` and `nonce` (Authlib keeps them in
the signed session and checks them on the way back; the ID token's signature, issuer, audience and nonce are
verified). The provider's verified `email` claim is then matched to an existing, active user of that network:
nobody gets an account by signing in.
"""
from __future__ import annotations

import unicodedata

from authlib.integrations.flask_client import OAuth
from flask import Flask, current_app
from sqlalchemy import select

from survey.accounts.models import User
from survey.accounts.operations import AccountError, normalise_email
from survey.extensions import db
from survey.network.models import Network

_LETTERS = str.maketrans({"Æ": "AE", "Ø": "OE", "Å": "AA", "Ä": "AE", "Ö": "OE", "Ü": "UE", "ß": "SS"})
SCOPE = "openid email profile"


def network_slug(name: str) -> str:
    """The network's name as it appears in setting names: `Skaraborgs skolnätverk` -> `SKARABORGS_SKOLNAETVERK`."""
    folded = unicodedata.normalize("NFKD", name.upper().translate(_LETTERS))
    ascii_only = "".join(c if c.isascii() and c.isalnum() else "_" for c in folded if not unicodedata.combining(c))
    return "_".join(part for part in ascii_only.split("_") if part)


def init_sso(app: Flask) -> None:
    """One Authlib registry for this app, a client per configured network (no network call here)."""
    registry = OAuth(app)
    for slug, provider in app.config["OIDC_PROVIDERS"].items():
        registry.register(
            name=slug.lower(),
            client_id=provider["client_id"],
            client_secret=provider["client_secret"],
            server_metadata_url=f"{provider['issuer']}/.well-known/openid-configuration",
            client_kwargs={"scope": SCOPE, "code_challenge_method": "S256"},
        )


def client_for(slug: str):
    return current_app.extensions["authlib.integrations.flask_client"].create_client(slug.lower())


def provider_for(slug: str) -> dict[str, str] | None:
    return current_app.config["OIDC_PROVIDERS"].get(slug.upper())


def network_for(slug: str) -> Network | None:
    """The network whose slug this is, if single sign-on is configured for it."""
    if provider_for(slug) is None:
        return None
    networks = db.session.scalars(select(Network).order_by(Network.id))
    return next((network for network in networks if network_slug(network.name) == slug.upper()), None)


def sign_in_options() -> list[dict[str, str]]:
    """The "Sign in with ..." buttons of the login page: one per network with a configured provider."""
    providers = current_app.config["OIDC_PROVIDERS"]
    if not providers:
        return []
    options = []
    for network in db.session.scalars(select(Network).order_by(Network.name)):
        slug = network_slug(network.name)
        if slug in providers:
            options.append({"slug": slug.lower(), "provider": providers[slug]["name"], "network": network.name})
    return options


class SignInRefused(Exception):
    """The provider vouched for someone, but not for one of this network's active users. `reason` is one of
    `unverified`, `unknown`, `inactive`."""

    def __init__(self, reason: str, email: str | None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.email = email


def user_for_claims(network: Network, claims: dict, *, trust_email: bool = False) -> User:
    """The active user of `network` whose e-mail the provider verified (`email_verified`, or every address of a
    provider configured with `trust_email`: one that issues its users' addresses itself, such as an
    institution's Microsoft Entra ID tenant); SignInRefused otherwise."""
    raw = claims.get("email")
    if not raw or not (trust_email or claims.get("email_verified") is True):
        raise SignInRefused("unverified", raw)
    try:
        email = normalise_email(str(raw))
    except AccountError:
        raise SignInRefused("unverified", str(raw)) from None
    user = db.session.scalar(select(User).where(User.email == email, User.network_id == network.id))
    if user is None:
        raise SignInRefused("unknown", email)
    if not user.active:
        raise SignInRefused("inactive", email)
    return user
