"""The staff pages not yet in their feature's package: a school's results dashboards and PDF reports (school
staff only, under /school). Every other staff page lives on its feature's blueprint (`survey.portal`)."""
from survey.portal import staff_blueprint

bp = staff_blueprint("school", __name__)

from survey.school import reports  # noqa: E402,F401
