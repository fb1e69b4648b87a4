"""The invitation mail's forms: the admin's reminder, re-send and schedule forms, and the human unsubscribe
confirmation (the one-click POST of mail providers carries no form at all)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, IntegerField, SelectField, SubmitField
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional


class UnsubscribeForm(FlaskForm):
    submit = SubmitField(_l("Unsubscribe"))


class RemindForm(FlaskForm):
    school_id = SelectField(_l("School"), coerce=int)  # 0: every school of the round
    submit = SubmitField(_l("Send reminders"))


class ResendForm(FlaskForm):
    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Email(), Length(max=254)])
    submit = SubmitField(_l("Send a new link"))


class ScheduleForm(FlaskForm):
    after_days = IntegerField(_l("Remind this many days after opening"),
                              validators=[Optional(), NumberRange(min=0)])
    before_days = IntegerField(_l("Remind this many days before closing"),
                               validators=[Optional(), NumberRange(min=0)])
    max_reminders = IntegerField(_l("At most this many reminders per person"),
                                 validators=[InputRequired(), NumberRange(min=0, max=10)])
    submit = SubmitField(_l("Save the reminder schedule"))
