"""The network settings form: anonymity threshold, school names, comments, structural analysis."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, FloatField, IntegerField, SubmitField
from wtforms.validators import InputRequired, NumberRange

from survey.network.models import K_MIN_FLOOR
from survey.portal.forms import PortalForm


class NetworkSettingsForm(PortalForm):
    k_min = IntegerField(
        _l("Minimum group size (k_min)"),
        validators=[InputRequired(), NumberRange(
            min=K_MIN_FLOOR, max=100,
            message=_l("Give a whole number from %(floor)d to 100: a group of fewer than %(floor)d is never shown.",
                       floor=K_MIN_FLOOR))],
        description=_l("Groups with fewer respondents are suppressed everywhere (5 is the common recommendation; "
                       "never below %(floor)d).", floor=K_MIN_FLOOR),
    )
    share_school_names = BooleanField(_l("Schools see each other's names in benchmarks and partner lists"))
    admins_read_comments = BooleanField(
        _l("Network admins read the schools' free-text comments (in school reports and dashboards)"))
    driver_min_cases = IntegerField(
        _l("Complete cases for a school's own structural analysis"),
        validators=[InputRequired(), NumberRange(min=10, max=100000)],
        description=_l("Smaller schools are shown the network's importances, labelled as such (300 by default)."),
    )
    minimal_difference = FloatField(
        _l("Minimal important difference (index points)"),
        validators=[InputRequired(_l("Give the minimal important difference, e.g. 3.")),
                    NumberRange(min=0.1, max=50, message=_l("Give a number of index points from 0.1 to 50, e.g. 3."))],
        description=_l("A change between rounds is flagged, and a benchmark partner offered, only when the "
                       "difference is at least this large (3 by default)."),
    )
    submit = SubmitField(_l("Save settings"))
