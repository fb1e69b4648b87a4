"""Writes on user accounts. They flush, never commit: the request or the CLI command commits."""
from __future__ import annotations

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import select

from survey.accounts.models import Role, User, new_session_id
from survey.accounts.passwords import hash_password, needs_rehash, verify_password
from survey.extensions import db
from survey.network.models import Network, School


class AccountError(ValueError):
    """A user could not be created as asked; the message says why."""


def normalise_email(email: str) -> str:
    try:
        return validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as error:
        raise AccountError(f"'{email}' is not a valid e-mail address: {error}") from None


def add_user(email: str, password: str, role: Role | str, network: Network, school: School | None = None) -> User:
    role = Role(role)
    email = normalise_email(email)
    if role is Role.SCHOOL_STAFF and school is None:
        raise AccountError("school staff must belong to a school: give --school CODE")
    if role is Role.NETWORK_ADMIN and school is not None:
        raise AccountError("a network admin belongs to the network, not to a school: leave out --school")
    if school is not None and school.network_id != network.id:
        raise AccountError(f"school {school.code} is not in network {network.name}")
    if db.session.scalar(select(User).where(User.email == email)) is not None:
        raise AccountError(f"a user with e-mail {email} already exists")
    try:
        password_hash = hash_password(password)
    except ValueError as error:
        raise AccountError(str(error)) from None
    user = User(email=email, password_hash=password_hash, role=role.value, network=network, school=school)
    db.session.add(user)
    db.session.flush()
    return user


def authenticate(email: str, password: str) -> User | None:
    """The active user with these credentials, or None. Upgrades the hash when argon2's parameters changed."""
    try:
        email = normalise_email(email)
    except AccountError:
        verify_password(None, password)
        return None
    user = db.session.scalar(select(User).where(User.email == email))
    if not verify_password(user.password_hash if user else None, password) or user is None or not user.active:
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def end_sessions(user: User) -> None:
    """End every session of `user` (logging out): the cookies signed so far name a session id that is gone."""
    user.session_id = new_session_id()
    db.session.flush()
