"""Users of the portal. Respondents never have accounts."""
from __future__ import annotations

import secrets
from datetime import datetime
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, DateTime, ForeignKey, String, func, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey.extensions import db
from survey.network.models import Network, Organiser, School


class Role(StrEnum):
    """What a user may do. A new role (organiser staff) is a new member here, a new value in the CHECK
    `known_role` and its rule in `school_matches_role`."""

    NETWORK_ADMIN = "network_admin"
    SCHOOL_STAFF = "school_staff"
    ORGANISER_STAFF = "organiser_staff"  # read-only: its organiser's results and each of its schools'

    @property
    def needs_school(self) -> bool:
        return self is Role.SCHOOL_STAFF

    @property
    def needs_organiser(self) -> bool:
        return self is Role.ORGANISER_STAFF


def new_session_id() -> str:
    return secrets.token_hex(16)


NO_PASSWORD = ""
"""`password_hash` of an invited user who has not set a password yet: nothing verifies against it."""


KNOWN_ROLE = "role IN ('network_admin', 'school_staff', 'organiser_staff')"
SCHOOL_MATCHES_ROLE = (
    "(role = 'school_staff' AND school_id IS NOT NULL AND organiser_id IS NULL) OR "
    "(role = 'network_admin' AND school_id IS NULL AND organiser_id IS NULL) OR "
    "(role = 'organiser_staff' AND school_id IS NULL AND organiser_id IS NOT NULL)"
)


class User(UserMixin, db.Model):
    __tablename__ = "user_account"
    __table_args__ = (
        CheckConstraint(KNOWN_ROLE, name="known_role"),
        # School staff belong to exactly one school, organiser staff to one organiser; network admins to neither.
        CheckConstraint(SCHOOL_MATCHES_ROLE, name="school_matches_role"),
        CheckConstraint("email = lower(email)", name="email_lowercase"),
        CheckConstraint("locale IN ('da', 'en', 'sv')", name="known_locale"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))
    network_id: Mapped[int] = mapped_column(ForeignKey("network.id", ondelete="RESTRICT"), index=True)
    school_id: Mapped[int | None] = mapped_column(ForeignKey("school.id", ondelete="RESTRICT"), index=True)
    organiser_id: Mapped[int | None] = mapped_column(ForeignKey("organiser.id", ondelete="RESTRICT"), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    # Part of what the session cookie names (get_id): a new value ends every session signed before it, so a
    # cookie captured before logging out no longer logs anyone in (Flask's sessions live in the cookie alone).
    session_id: Mapped[str] = mapped_column(String(32), default=new_session_id, server_default="")
    invited_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The TOTP secret, encrypted with a key derived from SECRET_KEY (survey/accounts/totp.py); None: no second
    # factor. The last time step accepted, so that a code is never accepted twice.
    totp_secret: Mapped[str | None] = mapped_column(String(255))
    totp_last_step: Mapped[int | None] = mapped_column()
    # The language the user chose for the portal (survey.portal.language.PORTAL_LANGUAGES); None: the browser's.
    locale: Mapped[str | None] = mapped_column(String(2))

    network: Mapped[Network] = relationship()
    school: Mapped[School | None] = relationship()
    organiser: Mapped[Organiser | None] = relationship()
    recovery_codes: Mapped[list[RecoveryCode]] = relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True
    )

    def get_id(self) -> str:
        return f"{self.id}.{self.session_id}"

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    @property
    def is_network_admin(self) -> bool:
        return self.role == Role.NETWORK_ADMIN

    @property
    def is_organiser_staff(self) -> bool:
        return self.role == Role.ORGANISER_STAFF

    @property
    def has_password(self) -> bool:
        return self.password_hash != NO_PASSWORD

    @property
    def invitation_pending(self) -> bool:
        """Invited, still active, and no password set yet."""
        return self.active and not self.has_password

    @property
    def two_factor_enabled(self) -> bool:
        return self.totp_secret is not None

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}{'' if self.active else ' inactive'}>"


class RecoveryCode(db.Model):
    """A single-use code that replaces a TOTP code when the authenticator is lost. Only its sha256 is stored
    (the codes carry 80 random bits, so a fast hash is enough); a code is deleted when used."""

    __tablename__ = "user_recovery_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)

    user: Mapped[User] = relationship(back_populates="recovery_codes")

    def __repr__(self) -> str:
        return f"<RecoveryCode of user {self.user_id}>"


def user_by_email(email: str):
    return select(User).where(User.email == email)


def users_of_network(network_id: int):
    return select(User).where(User.network_id == network_id).order_by(User.email)
