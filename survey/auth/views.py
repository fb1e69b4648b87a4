"""Logging in with a password (then a second factor where the user turned one on) and logging out."""
from __future__ import annotations

import time
from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from survey.accounts.models import User
from survey.accounts.operations import authenticate, check_second_factor, end_sessions, record_login
from survey.auth import bp
from survey.auth.access import load_user
from survey.auth.forms import LoginForm, SecondFactorForm
from survey.auth.sso import sign_in_options
from survey.extensions import limiter

PENDING = "second_factor_pending"
"""Session key of a login that passed the password (or the provider) and waits for the second factor."""
PENDING_SECONDS = 300
SECOND_FACTOR_LIMIT_PER_USER = "5 per minute;30 per hour"


def home_for(user) -> str:
    if user.is_network_admin:
        return url_for("network_admin.index")
    if user.is_organiser_staff:
        return url_for("network_organiser.index")
    return url_for("network_staff.index")


def _safe_next(target: str | None) -> str | None:
    """Only same-site paths: an open redirect would let a phishing link log a user in and send them away."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def complete_login(user: User, next_url: str | None, how: str):
    """Log `user` in (recording when), or first ask for their second factor."""
    if user.two_factor_enabled:
        session[PENDING] = {"user": user.get_id(), "at": time.time(), "next": next_url}
        return redirect(url_for("auth.second_factor"))
    login_user(user)
    record_login(user)
    current_app.logger.info("login (%s): user %s", how, user.id)
    return redirect(next_url or home_for(user))


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data)
        if user is not None:
            return complete_login(user, _safe_next(request.args.get("next")), "password")
        current_app.logger.warning("failed login from %s", request.remote_addr)
        form.password.errors.append(_("The e-mail or the password is not right."))
    return render_template("auth/login.html", form=form, sign_in_options=sign_in_options()), (
        200 if not form.errors else 401
    )


def _pending_user() -> tuple[User | None, dict]:
    pending = session.get(PENDING) or {}
    if not pending or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        return None, {}
    user = load_user(pending.get("user", ""))
    return (user if user is not None and user.active and user.two_factor_enabled else None), pending


def _pending_key() -> str:
    """Limits second-factor attempts per account, whichever addresses they come from."""
    pending = session.get(PENDING) or {}
    return f"second-factor:{pending.get('user', '').partition('.')[0]}"


@bp.route("/two-factor/code", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
@limiter.limit(SECOND_FACTOR_LIMIT_PER_USER, key_func=_pending_key, methods=["POST"])
def second_factor():
    user, pending = _pending_user()
    if user is None:
        session.pop(PENDING, None)
        flash(_("Please log in again."), "error")
        return redirect(url_for("auth.login"))
    form = SecondFactorForm()
    if form.validate_on_submit():
        if check_second_factor(user, form.code.data):
            session.pop(PENDING, None)
            login_user(user)
            record_login(user)
            current_app.logger.info("login (second factor): user %s", user.id)
            return redirect(pending.get("next") or home_for(user))
        current_app.logger.warning("wrong second factor for user %s from %s", user.id, request.remote_addr)
        form.code.errors.append(_("That code is not right, or it was used already."))
    return render_template("auth/second_factor.html", form=form), (200 if not form.errors else 401)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    end_sessions(current_user)
    logout_user()
    flash(_("You are logged out."))
    return redirect(url_for("auth.login"))
