"""Choosing a password from an invitation's link, asking for a reset link, and resetting with it."""
from __future__ import annotations

from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from survey.accounts.operations import AccountError, request_password_reset, set_password
from survey.accounts.tokens import Purpose, user_from_token
from survey.auth import bp
from survey.auth.forms import ForgotPasswordForm, NewPasswordForm
from survey.extensions import limiter


def _reset_limit() -> str:
    return current_app.config["PASSWORD_RESET_RATE_LIMIT"]


@bp.route("/forgot", methods=["GET", "POST"])
@limiter.limit(_reset_limit, methods=["POST"])
def forgot_password():
    """The same page, after the same work, whether or not the address has an account (the e-mail itself
    leaves in the background: survey/accounts/mail.py)."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        request_password_reset(form.email.data)
        minutes = current_app.config["PASSWORD_RESET_MAX_AGE"] // 60
        return render_template("auth/forgot_sent.html", email=form.email.data.strip(), minutes=minutes)
    return render_template("auth/forgot.html", form=form), (200 if not form.errors else 422)


def _new_password_page(token: str, purpose: Purpose, heading: str, done: str):
    user = user_from_token(token, purpose)
    if user is None:
        return render_template("auth/link_invalid.html"), 404
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            set_password(user, form.password.data)
        except AccountError as error:
            form.password.errors.append(str(error))
        else:
            current_app.logger.info("%s: user %s", purpose.value, user.id)
            flash(done, "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/new_password.html", form=form, user=user, heading=heading), (
        200 if not form.errors else 422
    )


@bp.route("/set-password/<token>", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
def set_password_from_invitation(token: str):
    return _new_password_page(token, Purpose.SET_PASSWORD, _("Choose your password"),
                              _("Your password is saved. Log in with your e-mail address and the new password."))


@bp.route("/reset/<token>", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
def reset_password(token: str):
    return _new_password_page(token, Purpose.RESET_PASSWORD, _("Choose a new password"),
                              _("Your new password is saved and every earlier session has ended. Log in with it."))
