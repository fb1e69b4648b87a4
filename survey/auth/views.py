from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from survey.accounts.operations import authenticate, end_sessions
from survey.auth import bp
from survey.auth.forms import LoginForm
from survey.extensions import db, limiter


def home_for(user) -> str:
    return url_for("network_admin.index") if user.is_network_admin else url_for("network_staff.index")


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


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data)
        if user is not None:
            login_user(user)
            db.session.commit()
            current_app.logger.info("login: user %s", user.id)
            return redirect(_safe_next(request.args.get("next")) or home_for(user))
        current_app.logger.warning("failed login from %s", request.remote_addr)
        form.password.errors.append("The e-mail or the password is not right.")
    return render_template("auth/login.html", form=form), (200 if not form.errors else 401)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    end_sessions(current_user)
    logout_user()
    db.session.commit()
    flash("You are logged out.")
    return redirect(url_for("auth.login"))
