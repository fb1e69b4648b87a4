"""Signed, time-limited links for setting a password (an invitation) and resetting one (itsdangerous).

Nothing is stored: the link carries the user's id, signed with SECRET_KEY and salted with the purpose, the
user's current password hash and session id. Setting a password changes the hash, and deactivating a user or
sending a new invitation replaces the session id, so every link signed before stops verifying: each link works
once, and a resent invitation voids the one before it.
"""
from __future__ import annotations

from enum import StrEnum

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

from survey.accounts.models import User
from survey.extensions import db


class Purpose(StrEnum):
    SET_PASSWORD = "set-password"
    RESET_PASSWORD = "reset-password"

    @property
    def max_age_setting(self) -> str:
        return "INVITATION_MAX_AGE" if self is Purpose.SET_PASSWORD else "PASSWORD_RESET_MAX_AGE"


def _serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=salt)


def _salt(purpose: Purpose, user: User) -> str:
    return f"benchlearn {purpose.value}:{user.password_hash}:{user.session_id}"


def make_token(user: User, purpose: Purpose) -> str:
    return _serializer(_salt(purpose, user)).dumps(user.id)


def user_from_token(token: str, purpose: Purpose) -> User | None:
    """The active user a link was made for, if it is still valid (signature, age, not used since)."""
    _, user_id = _serializer(purpose.value).loads_unsafe(token)  # the id only tells whose salt to check
    if not isinstance(user_id, int) or isinstance(user_id, bool):
        return None
    user = db.session.get(User, user_id)
    if user is None or not user.active:
        return None
    try:
        _serializer(_salt(purpose, user)).loads(token, max_age=current_app.config[purpose.max_age_setting])
    except BadSignature:  # also SignatureExpired
        return None
    return user
