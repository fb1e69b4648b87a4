"""A network admin turns the second factor (TOTP) on or off for their own account.

While enrolling, the new secret waits in the signed session (the admin sees it on the page anyway); it is
stored, encrypted, only once a code from the app proves the app has it.
"""
from __future__ import annotations

from flask import current_app, flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from survey.accounts import totp
from survey.accounts.models import Role
from survey.accounts.operations import AccountError, disable_two_factor, enable_two_factor
from survey.auth import bp
from survey.auth.access import require_role
from survey.auth.forms import DisableTwoFactorForm, EnableTwoFactorForm
from survey.extensions import limiter

ENROLLING = "totp_enrolling"


def _page(enable_form=None, disable_form=None, status: int = 200):
    secret = None
    qr_code = None
    if not current_user.two_factor_enabled:
        secret = session.get(ENROLLING)
        if secret is None or enable_form is None or not enable_form.errors:
            secret = session[ENROLLING] = totp.new_secret()
        qr_code = totp.qr_code_data_uri(totp.provisioning_uri(secret, current_user.email))
    return render_template(
        "auth/two_factor.html",
        enable_form=enable_form or EnableTwoFactorForm(),
        disable_form=disable_form or DisableTwoFactorForm(),
        secret=secret,
        qr_code=qr_code,
    ), status


@bp.get("/two-factor")
def two_factor():
    require_role(Role.NETWORK_ADMIN)
    return _page()


@bp.post("/two-factor/enable")
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"])
def two_factor_enable():
    require_role(Role.NETWORK_ADMIN)
    form = EnableTwoFactorForm()
    secret = session.get(ENROLLING)
    if form.validate_on_submit() and secret:
        try:
            codes = enable_two_factor(current_user, secret, form.code.data)
        except AccountError as error:
            form.code.errors.append(str(error))
        else:
            session.pop(ENROLLING, None)
            current_app.logger.info("two-factor on: user %s", current_user.id)
            return render_template("auth/recovery_codes.html", codes=codes)
    elif not secret:
        form.code.errors.append(_("The page had expired: scan the new QR code and try again."))
    return _page(enable_form=form, status=422)


@bp.post("/two-factor/disable")
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"])
def two_factor_disable():
    require_role(Role.NETWORK_ADMIN)
    form = DisableTwoFactorForm()
    if form.validate_on_submit():
        try:
            disable_two_factor(current_user, form.code.data)
        except AccountError as error:
            form.code.errors.append(str(error))
        else:
            current_app.logger.info("two-factor off: user %s", current_user.id)
            flash(_("Two-factor authentication is off."), "success")
            return redirect(url_for("auth.two_factor"))
    return _page(disable_form=form, status=422)
