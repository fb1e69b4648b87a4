"""Writes of the portal's own: a user's choice of language. Flushes, never commits."""
from __future__ import annotations

from survey.accounts.models import User
from survey.extensions import db

PORTAL_LANGUAGES = ("da", "sv", "en")
"""The languages the portal is written in (the CHECK of `user_account.locale`), Danish first: the default."""


def set_portal_language(user: User, language: str | None) -> None:
    """Store the language `user` reads the portal in; None: follow the browser's language."""
    if language is not None and language not in PORTAL_LANGUAGES:
        raise ValueError(f"unknown portal language {language!r}: use one of {', '.join(PORTAL_LANGUAGES)}")
    user.locale = language
    db.session.flush()
