"""Role checks. Every view of the admin and school blueprints passes through one of these."""
from __future__ import annotations

from flask import abort
from flask_login import current_user

from survey.accounts.models import Role
from survey.extensions import db, login_manager
from survey.accounts.models import User


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    return db.session.get(User, int(user_id)) if user_id.isdigit() else None


login_manager.login_view = "auth.login"
login_manager.login_message = "Please log in to see this page."
login_manager.session_protection = "strong"


def require_role(role: Role) -> None:
    """Abort unless the current user is logged in (else 401 -> login page) and holds `role` (else 403)."""
    if not current_user.is_authenticated:
        abort(login_manager.unauthorized())
    if current_user.role != role:
        abort(403)
