"""Single sign-on: off to the network's OpenID Connect provider and back (survey/auth/sso.py)."""
from __future__ import annotations

from authlib.integrations.base_client import OAuthError
from flask import abort, current_app, render_template, url_for
from flask_babel import gettext as _
from requests import RequestException

from survey.auth import bp
from survey.auth.sso import SignInRefused, client_for, network_for, provider_for, user_for_claims
from survey.auth.views import complete_login


def _callback_url(slug: str) -> str:
    """The address the provider sends the browser back to: PUBLIC_URL's, as registered with the provider."""
    return current_app.config["PUBLIC_URL"].rstrip("/") + url_for("auth.sso_callback", slug=slug)


def _failed(message: str, status: int):
    return render_template("auth/sso_failed.html", message=message), status


@bp.get("/sso/<slug>")
def sso_start(slug: str):
    network = network_for(slug)
    if network is None:
        abort(404)
    try:
        return client_for(slug).authorize_redirect(_callback_url(slug))
    except RequestException as error:
        current_app.logger.warning("single sign-on for %s: provider unreachable: %s", slug, error)
        return _failed(_("The sign-in service could not be reached. Try again in a moment, or log in with your "
                         "password."), 503)


@bp.get("/sso/<slug>/callback")
def sso_callback(slug: str):
    network = network_for(slug)
    if network is None:
        abort(404)
    provider = provider_for(slug)
    client = client_for(slug)
    try:
        if client.load_server_metadata().get("issuer", "").rstrip("/") != provider["issuer"]:
            current_app.logger.error("single sign-on for %s: discovery names another issuer", slug)
            return _failed(_("The sign-in service is not set up correctly. Ask your network's admin."), 502)
        token = client.authorize_access_token()
        claims = dict(token.get("userinfo") or {})
        if "email" not in claims:
            claims.update(client.userinfo(token=token))
    except OAuthError as error:
        current_app.logger.warning("single sign-on for %s refused: %s", slug, error)
        return _failed(_("The sign-in could not be completed (it may have been started in another window or "
                         "have expired). Please start again."), 400)
    except RequestException as error:
        current_app.logger.warning("single sign-on for %s: provider unreachable: %s", slug, error)
        return _failed(_("The sign-in service could not be reached. Try again in a moment, or log in with your "
                         "password."), 503)
    try:
        user = user_for_claims(network, claims,
                               trust_email=provider.get("trust_email", "").lower() in ("1", "true", "yes"))
    except SignInRefused as refused:
        current_app.logger.warning("single sign-on for %s: %s (%s)", slug, refused.reason, refused.email)
        return render_template("auth/sso_refused.html", reason=refused.reason, email=refused.email,
                               provider=provider["name"], network=network.name), 403
    return complete_login(user, None, f"sso {slug}")
