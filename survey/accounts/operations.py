"""Writes on user accounts. They flush, never commit: the request or the CLI command commits."""
from __future__ import annotations

from datetime import datetime, timezone

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from sqlalchemy import func, select

from survey.accounts import mail, totp
from survey.accounts.models import NO_PASSWORD, RecoveryCode, Role, User, new_session_id, user_by_email
from survey.accounts.passwords import MIN_PASSWORD_LENGTH, hash_password, needs_rehash, verify_password
from survey.extensions import db
from survey.network.models import Network, Organiser, School
from survey.rounds.mail import MailError
from survey.tokens import token_hash


class AccountError(ValueError):
    """A change to a user could not be made as asked; the message says why."""


def _now() -> datetime:
    return datetime.now(timezone.utc)


def normalise_email(email: str) -> str:
    try:
        return validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as error:
        raise AccountError(_("'%(email)s' is not a valid e-mail address: %(error)s", email=email, error=error)) from None


def _check_placement(role: Role, network: Network, school: School | None, organiser: Organiser | None = None
                     ) -> None:
    if role.needs_organiser:
        if organiser is None or school is not None:
            raise AccountError(_("organiser staff belong to one organiser and to no school: give --organiser CODE"))
        if organiser.network_id != network.id:
            raise AccountError(_("organiser %(code)s is not in network %(network)s", code=organiser.code,
                                 network=network.name))
        return
    if organiser is not None:
        raise AccountError(_("only organiser staff belong to an organiser: leave out --organiser"))
    if role.needs_school and school is None:
        raise AccountError(_("school staff must belong to a school: give --school CODE"))
    if not role.needs_school and school is not None:
        raise AccountError(_("a network admin belongs to the network, not to a school: leave out --school"))
    if school is not None and school.network_id != network.id:
        raise AccountError(_("school %(code)s is not in network %(network)s", code=school.code, network=network.name))


def _new_user(email: str, role: Role | str, network: Network, school: School | None, password_hash: str,
              organiser: Organiser | None = None) -> User:
    role = Role(role)
    email = normalise_email(email)
    _check_placement(role, network, school, organiser)
    if db.session.scalar(user_by_email(email)) is not None:
        raise AccountError(_("a user with e-mail %(email)s already exists", email=email))
    user = User(email=email, password_hash=password_hash, role=role.value, network=network, school=school,
                organiser=organiser)
    db.session.add(user)
    db.session.flush()
    return user


def _hash(password: str) -> str:
    try:
        return hash_password(password)
    except ValueError:
        raise AccountError(
            _("A password needs at least %(count)d characters (and at most 1,024).", count=MIN_PASSWORD_LENGTH)
        ) from None


def add_user(email: str, password: str, role: Role | str, network: Network, school: School | None = None,
             organiser: Organiser | None = None) -> User:
    return _new_user(email, role, network, school, _hash(password), organiser)


def invite_user(
    email: str, role: Role | str, network: Network, school: School | None = None, language: str | None = None,
    organiser: Organiser | None = None,
) -> User:
    """A new user without a password, e-mailed a link to set one (in `language`, else the request's). When the
    e-mail cannot be sent the user is not created (AccountError): nothing half-done is left behind."""
    user = _new_user(email, role, network, school, NO_PASSWORD, organiser)
    try:
        send_invitation(user, language)
    except AccountError:
        db.session.delete(user)
        db.session.flush()
        raise
    return user


def send_invitation(user: User, language: str | None = None) -> None:
    """(Re)send the set-password link. A new session id voids every link sent before this one."""
    if not user.invitation_pending:
        raise AccountError(_("%(email)s has already set a password or is deactivated: no invitation to send",
                             email=user.email))
    user.session_id = new_session_id()
    user.invited_at = _now()
    db.session.flush()
    try:
        mail.send_now(user.email, mail.invitation_message(user, language))
    except MailError as error:
        raise AccountError(_("The e-mail to %(email)s could not be sent (%(error)s). Nothing was changed: try again "
                             "later.", email=user.email, error=error)) from None


def request_password_reset(email: str) -> None:
    """E-mail a reset link if `email` belongs to an active user. The same work is done either way (the message
    is composed for a stand-in that is never saved, and a sending thread is started with nothing to send), so
    the caller answers the same, in the same time, whether or not the address has an account."""
    try:
        user = db.session.scalar(user_by_email(normalise_email(email)))
    except AccountError:
        user = None
    recipient = user if user is not None and user.active else None
    stand_in = User(id=0, email=email, password_hash=NO_PASSWORD, session_id=new_session_id())
    message = mail.reset_message(recipient or stand_in)
    mail.send_in_background(recipient.email if recipient else None, message)


def set_password(user: User, password: str) -> None:
    """A new password (from an invitation or a reset link, which it voids); every session so far ends."""
    user.password_hash = _hash(password)
    end_sessions(user)


def authenticate(email: str, password: str) -> User | None:
    """The active user with these credentials, or None. Upgrades the hash when argon2's parameters changed."""
    try:
        email = normalise_email(email)
    except AccountError:
        verify_password(None, password)
        return None
    user = db.session.scalar(user_by_email(email))
    if not verify_password(user.password_hash if user else None, password) or user is None or not user.active:
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def record_login(user: User) -> None:
    user.last_login_at = _now()
    db.session.flush()


def end_sessions(user: User) -> None:
    """End every session of `user` (logging out): the cookies signed so far name a session id that is gone."""
    user.session_id = new_session_id()
    db.session.flush()


# --- what a network admin changes ------------------------------------------------------------------------


def _other_active_admins(user: User) -> int:
    return db.session.scalar(
        select(func.count(User.id)).where(
            User.network_id == user.network_id, User.role == Role.NETWORK_ADMIN.value, User.active.is_(True),
            User.id != user.id,
        )
    )


def change_role(user: User, role: Role | str, school: School | None, by: User,
                organiser: Organiser | None = None) -> None:
    role = Role(role)
    _check_placement(role, user.network, school, organiser)
    if user.id == by.id and role is not Role(user.role):
        raise AccountError(_("You cannot change your own role: ask another admin."))
    user.role = role.value
    user.school = school
    user.organiser = organiser
    db.session.flush()


def deactivate(user: User, by: User) -> None:
    """The user can no longer log in; their sessions end at once and their pending links are void."""
    if user.id == by.id:
        raise AccountError(_("You cannot deactivate your own account: ask another admin."))
    if user.is_network_admin and user.active and _other_active_admins(user) == 0:
        raise AccountError(_("%(email)s is the network's last active admin.", email=user.email))
    user.active = False
    end_sessions(user)


def reactivate(user: User) -> None:
    user.active = True
    db.session.flush()


def deactivate_by_email(email: str) -> User:
    """The CLI's deactivation: no acting admin, so only the last-admin rule applies."""
    user = db.session.scalar(user_by_email(normalise_email(email)))
    if user is None:
        raise AccountError(_("no user with e-mail %(email)s", email=email))
    if user.is_network_admin and user.active and _other_active_admins(user) == 0:
        raise AccountError(_("%(email)s is the network's last active admin.", email=user.email))
    user.active = False
    end_sessions(user)
    return user


# --- two-factor authentication ---------------------------------------------------------------------------


def enable_two_factor(user: User, secret: str, code: str) -> list[str]:
    """Store the secret (encrypted) once the user proved their authenticator shows its codes; the recovery
    codes are returned in plain text this once and only their hashes kept."""
    if user.two_factor_enabled:
        raise AccountError(_("Two-factor authentication is already on."))
    step = totp.accepted_step(secret, code, None)
    if step is None:
        raise AccountError(_("That code is not right: check the time on your phone and enter the current code."))
    user.totp_secret = totp.encrypt_secret(secret)
    user.totp_last_step = step
    codes = totp.new_recovery_codes()
    user.recovery_codes = [RecoveryCode(code_hash=token_hash(totp.normalise_code(code))) for code in codes]
    db.session.flush()
    return codes


def check_second_factor(user: User, code: str) -> bool:
    """Whether `code` is the user's current TOTP code (never one accepted before) or one of their unused
    recovery codes (used up by this)."""
    secret = totp.decrypt_secret(user.totp_secret) if user.totp_secret else None
    if secret is not None:
        step = totp.accepted_step(secret, code, user.totp_last_step)
        if step is not None:
            user.totp_last_step = step
            db.session.flush()
            return True
    wanted = token_hash(totp.normalise_code(code))
    for recovery in user.recovery_codes:
        if recovery.code_hash == wanted:
            user.recovery_codes.remove(recovery)
            db.session.flush()
            return True
    return False


def disable_two_factor(user: User, code: str) -> None:
    if not user.two_factor_enabled:
        raise AccountError(_("Two-factor authentication is not on."))
    if not check_second_factor(user, code):
        raise AccountError(_("That code is not right."))
    user.totp_secret = None
    user.totp_last_step = None
    user.recovery_codes = []
    db.session.flush()
