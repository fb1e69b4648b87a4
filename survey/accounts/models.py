"""Users of the portal. Respondents never have accounts."""
from __future__ import annotations

import secrets
from datetime import datetime
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, DateTime, ForeignKey, String, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey.extensions import db
from survey.network.models import Network, School


class Role(StrEnum):
    NETWORK_ADMIN = "network_admin"
    SCHOOL_STAFF = "school_staff"


def new_session_id() -> str:
    return secrets.token_hex(16)


class User(UserMixin, db.Model):
    __tablename__ = "user_account"
    __table_args__ = (
        CheckConstraint("role IN ('network_admin', 'school_staff')", name="known_role"),
        # School staff belong to exactly one school; network admins to none.
        CheckConstraint(
            "(role = 'school_staff' AND school_id IS NOT NULL) OR (role = 'network_admin' AND school_id IS NULL)",
            name="school_matches_role",
        ),
        CheckConstraint("email = lower(email)", name="email_lowercase"),
        CheckConstraint("locale IN ('da', 'en', 'sv')", name="known_locale"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))
    network_id: Mapped[int] = mapped_column(ForeignKey("network.id", ondelete="RESTRICT"), index=True)
    school_id: Mapped[int | None] = mapped_column(ForeignKey("school.id", ondelete="RESTRICT"), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    # Part of what the session cookie names (get_id): a new value ends every session signed before it, so a
    # cookie captured before logging out no longer logs anyone in (Flask's sessions live in the cookie alone).
    session_id: Mapped[str] = mapped_column(String(32), default=new_session_id, server_default="")
    # The language the user chose for the portal (survey.portal.language.PORTAL_LANGUAGES); None: the browser's.
    locale: Mapped[str | None] = mapped_column(String(2))

    network: Mapped[Network] = relationship()
    school: Mapped[School | None] = relationship()

    def get_id(self) -> str:
        return f"{self.id}.{self.session_id}"

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    @property
    def is_network_admin(self) -> bool:
        return self.role == Role.NETWORK_ADMIN

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"
