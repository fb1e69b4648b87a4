"""The admin pages not yet in their feature's package: results dashboards (network admins
only, under /admin). Every other admin page lives on its feature's blueprint (`survey.portal`)."""
from survey.portal import admin_blueprint

bp = admin_blueprint("admin", __name__)

from survey.admin import results  # noqa: E402,F401
