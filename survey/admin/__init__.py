"""Pages for network admins: the catalog, schools, users. Every view requires the network_admin role."""
from flask import Blueprint

from survey.accounts.models import Role
from survey.auth.access import require_role

bp = Blueprint("admin", __name__)


@bp.before_request
def _network_admins_only() -> None:
    require_role(Role.NETWORK_ADMIN)


from survey.admin import views  # noqa: E402,F401
from survey.admin import rounds  # noqa: E402,F401
from survey.admin import exports  # noqa: E402,F401
from survey.admin import reports  # noqa: E402,F401
from survey.interchange import views as _interchange_views  # noqa: E402,F401
