"""Role checks. Every view of the admin and school blueprints passes through one of these."""
from __future__ import annotations

import hmac

from flask import abort
from flask_babel import gettext
from flask_login import current_user

from survey.accounts.models import Role
from survey.extensions import db, login_manager
from survey.accounts.models import User


@login_manager.user_loader
def load_user(session_user_id: str) -> User | None:
    """The user a session names (`User.get_id`), if that session has not been ended since (logout)."""
    user_id, _, session_id = session_user_id.partition(".")
    if not user_id.isdigit() or not session_id:
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not hmac.compare_digest(user.session_id.encode(), session_id.encode()):
        return None
    return user


login_manager.login_view = "auth.login"
def N_(message: str) -> str:
    """Marks `message` for extraction into the catalogues; it is translated where it is used."""
    return message


login_manager.login_message = N_("Please log in to see this page.")
login_manager.localize_callback = gettext  # the message is flashed in the visitor's language
login_manager.session_protection = "strong"


def require_role(role: Role) -> None:
    """Abort unless the current user is logged in (else 401 -> login page) and holds `role` (else 403)."""
    if not current_user.is_authenticated:
        abort(login_manager.unauthorized())
    if current_user.role != role:
        abort(403)
