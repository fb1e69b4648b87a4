"""Sending e-mail: SMTP in production, a file outbox (`.eml` files) in development and the demo.

Settings come from the app config (see `survey/config.py`): MAIL_BACKEND (`smtp` or `file`), MAIL_SERVER,
MAIL_PORT, MAIL_USERNAME, MAIL_PASSWORD, MAIL_USE_TLS, MAIL_FROM, MAIL_OUTBOX.
"""
from __future__ import annotations

import secrets
import smtplib
from datetime import datetime, timezone
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

from flask import current_app


class MailError(RuntimeError):
    """The message could not be handed over for delivery. `permanent` when the server refused it for good (an
    SMTP 5xx reply: no such mailbox), so that a bulk sender records a bounce instead of trying again; a 4xx reply
    or a lost connection is temporary."""

    def __init__(self, message: str, permanent: bool = False):
        super().__init__(message)
        self.permanent = permanent


def build_message(to: str, subject: str, body: str, headers: dict[str, str] | None = None) -> EmailMessage:
    config = current_app.config
    message = EmailMessage()
    message["From"] = config["MAIL_FROM"]
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(datetime.now(timezone.utc))
    message["Message-ID"] = make_msgid(domain="benchlearn")
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(body)
    return message


def outbox_dir() -> Path:
    configured = current_app.config.get("MAIL_OUTBOX")
    return Path(configured) if configured else Path(current_app.instance_path) / "outbox"


def send_mail(to: str, subject: str, body: str, headers: dict[str, str] | None = None) -> None:
    """Send one plain-text message (with extra `headers`, e.g. List-Unsubscribe) through the configured backend;
    raise MailError when it cannot."""
    message = build_message(to, subject, body, headers)
    backend = current_app.config.get("MAIL_BACKEND", "smtp")
    if backend == "file":
        _write_to_outbox(message)
    elif backend == "smtp":
        _send_smtp(message)
    else:
        raise MailError(f"unknown MAIL_BACKEND {backend!r}: use 'smtp' or 'file'")


def _write_to_outbox(message: EmailMessage) -> Path:
    folder = outbox_dir()
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S")
    path = folder / f"{stamp}-{secrets.token_hex(6)}.eml"
    path.write_bytes(bytes(message))
    return path


def _send_smtp(message: EmailMessage) -> None:
    config = current_app.config
    server = config.get("MAIL_SERVER")
    if not server:
        raise MailError("MAIL_SERVER is not set: set the SMTP settings (MAIL_SERVER, MAIL_PORT, ...) to send e-mail")
    try:
        with smtplib.SMTP(server, int(config.get("MAIL_PORT", 587)), timeout=30) as smtp:
            if config.get("MAIL_USE_TLS", True):
                smtp.starttls()
            if config.get("MAIL_USERNAME"):
                smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as error:
        raise MailError(f"could not send e-mail to {message['To']} through {server}: {error}",
                        permanent=_is_permanent(error)) from error


def _is_permanent(error: Exception) -> bool:
    """Whether the server's reply code says never to try again (5xx); anything else may pass later."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in error.recipients.values()]
    else:
        codes = [getattr(error, "smtp_code", 0)]
    return bool(codes) and all(500 <= int(code) < 600 for code in codes)
