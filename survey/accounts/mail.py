"""The e-mails of accounts: the invitation (set your password) and the password reset link.

Links are built from PUBLIC_URL, never from the Host a request named (anyone can send any Host, and a reset
link pointing elsewhere would hand the token to a stranger). Texts are in the language of the request (or the
one the CLI asks for), through Flask-Babel.

A reset e-mail leaves in a thread of its own: the request that asked for it answers at once, whether or not
there was anything to send, so its timing does not tell whether the address has an account.
"""
from __future__ import annotations

import threading
from contextlib import nullcontext

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from survey.accounts.models import User
from survey.accounts.tokens import Purpose, make_token
from survey.rounds.mail import MailError, send_mail


def _public_url(path: str) -> str:
    return current_app.config["PUBLIC_URL"].rstrip("/") + path


def invitation_message(user: User, language: str | None = None) -> tuple[str, str]:
    """The invitation in `language` (da, sv, en), else in the language of the request."""
    url = _public_url(f"/auth/set-password/{make_token(user, Purpose.SET_PASSWORD)}")
    days = current_app.config["INVITATION_MAX_AGE"] // 86400
    with force_locale(language) if language else nullcontext():
        subject = _("Your Benchlearn account for %(network)s", network=user.network.name)
        return subject, render_template("accounts/mail/invitation.txt", user=user, url=url, days=days)


def reset_message(user: User) -> tuple[str, str]:
    url = _public_url(f"/auth/reset/{make_token(user, Purpose.RESET_PASSWORD)}")
    minutes = current_app.config["PASSWORD_RESET_MAX_AGE"] // 60
    subject = _("Reset your Benchlearn password")
    return subject, render_template("accounts/mail/reset.txt", user=user, url=url, minutes=minutes)


def send_now(to: str, message: tuple[str, str]) -> None:
    """Send at once; MailError when it cannot be handed over."""
    subject, body = message
    send_mail(to, subject, body)


def send_in_background(to: str | None, message: tuple[str, str]) -> threading.Thread:
    """Send in a thread of its own (nothing when `to` is None: the thread is started either way)."""
    app = current_app._get_current_object()

    def deliver() -> None:
        if to is None:
            return
        with app.app_context():
            try:
                send_now(to, message)
            except MailError:
                app.logger.exception("password reset e-mail could not be sent")

    thread = threading.Thread(target=deliver, name="benchlearn-mail", daemon=True)
    thread.start()
    return thread
