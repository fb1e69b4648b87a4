"""The audit log's filter: a GET form (it changes nothing, so it carries no CSRF token)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectChoice, SelectField
from wtforms.validators import Optional, ValidationError

from survey.audit.operations import ACTIONS


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False

    action = SelectField(_l("Action"), choices=[SelectChoice("", _l("Every action"))] + [SelectChoice(a) for a in ACTIONS],
                         validators=[Optional()])
    actor = SelectField(_l("User"), validators=[Optional()], validate_choice=False)
    since = DateField(_l("From"), validators=[Optional()])
    until = DateField(_l("To"), validators=[Optional()])

    def with_actors(self, actors: list[str]) -> AuditFilterForm:
        self.actor.choices = [SelectChoice("", _l("Every user"))] + [SelectChoice(a) for a in actors]
        return self

    def validate_until(self, field) -> None:
        if field.data and self.since.data and field.data < self.since.data:
            raise ValidationError(_l("The end date is before the start date."))
