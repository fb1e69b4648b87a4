"""The network admin's forms: the network settings (anonymity threshold, school names, comments, structural
analysis), its schools, programs, organiser and school types, and the CSV imports (CSRF on each, Flask-WTF)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (BooleanField, FloatField, IntegerField, SelectChoice, SelectField, StringField,
                     SubmitField)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

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
    admins_read_plans = BooleanField(_l("Network admins read the schools' action plans (read only)"))
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


class SchoolForm(PortalForm):
    """A school; the type and organiser choices are the network's (`for_network`)."""

    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=32)],
                       description=_l("Letters, digits, '_' or '-'; it names the school's reports and cannot change."))
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    type = SelectField(_l("School type"), choices=[], validate_choice=True)
    region = StringField(_l("Region"), validators=[DataRequired(), Length(max=100)])
    report_language = SelectField(_l("Report language"), choices=[
        SelectChoice("da", "dansk"), SelectChoice("sv", "svenska"), SelectChoice("en", "English")])
    organiser = SelectField(_l("Organiser"), choices=[], validate_choice=True)
    submit = SubmitField(_l("Save school"))

    def for_network(self, types, organisers) -> SchoolForm:
        self.type.choices = [SelectChoice(code, f"{code} – {name}") for code, name in types]
        self.organiser.choices = [SelectChoice("", _l("None"))] + [
            SelectChoice(str(o.id), f"{o.code} – {o.name}") for o in organisers]
        return self


class ProgramForm(PortalForm):
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=32)])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    submit = SubmitField(_l("Save program"))


class OrganiserForm(PortalForm):
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=32)],
                       description=_l("For example the municipality code (0180) or the owner's CVR number."))
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    kind = SelectField(_l("Kind"), choices=[
        SelectChoice("municipality", _l("Municipality")), SelectChoice("region", _l("Region")),
        SelectChoice("independent", _l("Independent organiser")), SelectChoice("state", _l("State")),
        SelectChoice("owner", _l("Owner")), SelectChoice("other", _l("Other"))])
    submit = SubmitField(_l("Save organiser"))


class ImportForm(PortalForm):
    file = FileField(_l("CSV file"), validators=[FileRequired(_l("Choose a CSV file.")),
                                                 FileAllowed(["csv", "txt"], _l("Choose a CSV file."))])
    submit = SubmitField(_l("Import"))


class CountryForm(PortalForm):
    country = SelectField(_l("Catalogue of school types"), choices=[
        SelectChoice("DK", _l("Denmark")), SelectChoice("SE", _l("Sweden")),
        SelectChoice("other", _l("None: the network's own types only"))])
    submit = SubmitField(_l("Save catalogue"))


class SchoolTypeForm(PortalForm):
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=32)])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=100)])
    submit = SubmitField(_l("Add school type"))
