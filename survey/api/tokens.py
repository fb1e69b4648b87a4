"""API tokens: issued once, stored only as their SHA-256, revoked by date. The CLI and any UI call these.

Functions flush, never commit; the request or CLI command commits once.
"""
from __future__ import annotations

import secrets
from datetime import date

from sqlalchemy import select

from survey.accounts.models import User
from survey.extensions import db
from survey.results.models import ApiToken
from survey.tokens import token_hash

NAME_MAX = 100


class TokenError(ValueError):
    """A token could not be created or revoked as asked; the message says why."""


def token_by_plain(plain: str):
    """The token whose hash matches `plain`, revoked or not (the caller decides)."""
    return select(ApiToken).where(ApiToken.token_hash == token_hash(plain))


def tokens_of(user: User):
    return select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id)


def create_token(user: User, name: str, *, today: date | None = None) -> str:
    """Issue a token for `user` and return it in plain text: the only time it is ever seen."""
    name = name.strip()
    if not name:
        raise TokenError("give the token a name that says what it is for, e.g. --name 'BI dashboard'")
    if len(name) > NAME_MAX:
        raise TokenError(f"a token name has at most {NAME_MAX} characters")
    if not user.active:
        raise TokenError(f"{user.email} is deactivated: an inactive user gets no API token")
    plain = secrets.token_urlsafe(32)  # 256 bits
    db.session.add(ApiToken(user=user, name=name, token_hash=token_hash(plain), created_on=today or date.today()))
    db.session.flush()
    return plain


def revoke_token(token: ApiToken, *, today: date | None = None) -> bool:
    """Revoke `token` from today on. Returns False when it was already revoked (its date is kept)."""
    if token.revoked_on is not None:
        return False
    token.revoked_on = today or date.today()
    db.session.flush()
    return True
