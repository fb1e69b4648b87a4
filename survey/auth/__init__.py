"""Logging in and out (password, second factor, single sign-on), passwords set from an invitation or reset by
e-mail, and the second factor's enrolment; role checks for the other blueprints."""
from flask import Blueprint, Response, request

bp = Blueprint("auth", __name__)


@bp.after_request
def _end_transaction(response: Response) -> Response:
    """The request's one commit, as on every portal page (survey.portal.end_transaction: a successful POST
    commits, anything else rolls back), plus the provider's return from single sign-on: a GET by the protocol
    that completes a login and records it."""
    from survey.extensions import db
    from survey.portal import end_transaction

    if request.endpoint == "auth.sso_callback" and response.status_code < 400:
        db.session.commit()
        return response
    return end_transaction(response)


from survey.auth import views  # noqa: E402,F401
from survey.auth import password_views  # noqa: E402,F401
from survey.auth import two_factor_views  # noqa: E402,F401
from survey.auth import sso_views  # noqa: E402,F401
