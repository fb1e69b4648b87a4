"""The retention schedule form. Free text must go no later than the microdata it belongs to."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, IntegerField, SubmitField
from wtforms.validators import Email, InputRequired, NumberRange, Optional, ValidationError

MAX_DRAFT_DAYS = 365
MAX_YEARS = 50


class RetentionScheduleForm(FlaskForm):
    draft_days = IntegerField(
        _l("Days after a round closes before its unsubmitted drafts are removed"),
        validators=[InputRequired(_l("Give a number of days, e.g. 30.")),
                    NumberRange(min=0, max=MAX_DRAFT_DAYS, message=_l("Give a whole number of days from 0 to 365."))])
    free_text_years = IntegerField(
        _l("Years after a round closes before its free-text answers are removed"),
        validators=[InputRequired(_l("Give a number of years, e.g. 3.")),
                    NumberRange(min=1, max=MAX_YEARS, message=_l("Give a whole number of years from 1 to 50."))])
    microdata_years = IntegerField(
        _l("Years after a round closes before its responses (microdata) are removed"),
        validators=[InputRequired(_l("Give a number of years, e.g. 5.")),
                    NumberRange(min=1, max=MAX_YEARS, message=_l("Give a whole number of years from 1 to 50."))])
    audit_years = IntegerField(
        _l("Years an audit log entry is kept"),
        validators=[InputRequired(_l("Give a number of years, e.g. 5.")),
                    NumberRange(min=1, max=MAX_YEARS, message=_l("Give a whole number of years from 1 to 50."))])
    contact_email = EmailField(
        _l("Data protection contact (e-mail, named in the records of processing)"),
        validators=[Optional(), Email(message=_l("Give an e-mail address, e.g. dpo@example.org."))])
    submit = SubmitField(_l("Save retention schedule"))

    def validate_free_text_years(self, field) -> None:
        if field.data and self.microdata_years.data and field.data > self.microdata_years.data:
            raise ValidationError(_l("Free text cannot be kept longer than the responses it belongs to."))
