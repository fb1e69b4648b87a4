"""The forms of the round pages, for admins (create, change, close, delete, links, invitations) and for a
school's staff (their links, their populations)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, DateField, SelectField, SelectMultipleField, StringField, SubmitField
from wtforms.validators import DataRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget


class CreateRoundForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)],
                       description=_l('e.g. "Elevtrivsel 2026"'))
    # always holds a choice (the first version is preselected): no `required`, which HTML allows only on a
    # select whose first option is an empty placeholder
    version_id = SelectField(_l("Questionnaire version"), coerce=int, validators=[DataRequired()],
                             render_kw={"required": False})
    opens_on = DateField(_l("Opens on"), validators=[DataRequired()])
    closes_on = DateField(_l("Closes on (last day)"), validators=[DataRequired()])
    school_ids = SelectMultipleField(
        _l("Schools"), coerce=int, option_widget=CheckboxInput(), widget=ListWidget(prefix_label=False)
    )
    past_confirmed = BooleanField(_l("Yes, the round opens on a date in the past"))
    submit = SubmitField(_l("Create round"))


class RoundActionForm(FlaskForm):
    submit = SubmitField()


class RescheduleForm(FlaskForm):
    opens_on = DateField(_l("Opens on"), validators=[DataRequired()])
    closes_on = DateField(_l("Closes on (last day)"), validators=[DataRequired()])
    submit = SubmitField(_l("Save the dates"))


class ChangeVersionForm(FlaskForm):
    # always holds a choice (the first version is preselected): no `required`, which HTML allows only on a
    # select whose first option is an empty placeholder
    version_id = SelectField(_l("Questionnaire version"), coerce=int, validators=[DataRequired()],
                             render_kw={"required": False})
    submit = SubmitField(_l("Change the version"))


class RoundSchoolsForm(FlaskForm):
    school_ids = SelectMultipleField(
        _l("Participating schools"), coerce=int, option_widget=CheckboxInput(), widget=ListWidget(prefix_label=False)
    )
    submit = SubmitField(_l("Save the schools"))


class ConfirmCloseForm(FlaskForm):
    """The confirmation page's form: only a POST carrying `confirm` closes the round."""

    confirm = SubmitField(_l("Close the round now"))


class DeleteRoundForm(FlaskForm):
    """The confirmation page's form: only a POST carrying `confirm` deletes the round."""

    confirm = SubmitField(_l("Delete the round"))


class LinksForm(FlaskForm):
    per_program = BooleanField(_l("Also one link per program"))
    submit = SubmitField(_l("Create missing links"))


class InvitationsForm(FlaskForm):
    school_id = SelectField(_l("School"), coerce=int)
    addresses = FileField(
        _l("List of e-mail addresses (one a line, or CSV with an email column)"),
        validators=[FileRequired(_l("Choose a file.")), FileAllowed(["csv", "txt"], _l("Upload a .csv or .txt file."))],
    )
    submit = SubmitField(_l("Send personal invitations"))


class StaffLinksForm(FlaskForm):
    per_program = BooleanField(_l("One link per program (the program is then known without asking)"))
    submit = SubmitField(_l("Create links"))


class PopulationForm(FlaskForm):
    """CSRF only: the sizes arrive as `population-<program id>` fields, one per program of the school."""

    submit = SubmitField(_l("Save populations"))
