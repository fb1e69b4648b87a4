"""The forms of a plan's pages. Several share a page: each is made with its own `prefix`, so that no two fields
(nor submit buttons) share an id."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (DateField, FloatField, HiddenField, SelectField, SelectMultipleField, StringField,
                     SubmitField, TextAreaField)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from survey.plans.models import ACTION_STATUSES, PLAN_STATUSES
from survey.portal.forms import PortalForm


class CheckboxesField(SelectMultipleField):
    """A multiple choice shown as a list of checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def plan_status_choices() -> list[tuple[str, str]]:
    from survey.plans.operations import status_name

    return [(status, status_name(status)) for status in PLAN_STATUSES]


def action_status_choices() -> list[tuple[str, str]]:
    from survey.plans.operations import status_name

    return [(status, status_name(status)) for status in ACTION_STATUSES]


class NewPlanForm(PortalForm):
    title = StringField(_l("Title"), validators=[Optional(), Length(max=200)])
    dimensions = CheckboxesField(_l("Focus dimensions"), validators=[DataRequired(_l("Choose at least one focus dimension."))])
    submit = SubmitField(_l("Create the plan"))


class PlanForm(PortalForm):
    title = StringField(_l("Title"), validators=[Optional(), Length(max=200)])
    status = SelectField(_l("Status"), choices=[])
    submit = SubmitField(_l("Save"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.status.choices = plan_status_choices()


def focus_form(keys: list[str], chosen: list[str], goals: dict[str, float | None], formdata=None):
    """The focus dimensions and their goals: a checkbox per dimension of the base round and a goal (the index
    aimed at in the next comparable round) beside each. Goal fields are named by position (`goal_0`, ...)."""

    class FocusForm(PortalForm):
        dimensions = CheckboxesField(_l("Focus dimensions"),
                                     validators=[DataRequired(_l("Choose at least one focus dimension."))])
        submit = SubmitField(_l("Save focus and goals"))

    for position, _key in enumerate(keys):
        setattr(FocusForm, f"goal_{position}", FloatField(
            _l("Goal"), validators=[Optional(), NumberRange(min=0, max=100, message=_l("A goal is an index from 0 to 100."))]))
    kwargs = {} if formdata is not None else {"dimensions": chosen} | {
        f"goal_{position}": goals.get(key) for position, key in enumerate(keys)}
    form = FocusForm(formdata=formdata, prefix="focus", **kwargs)
    form.dimensions.choices = [(key, key) for key in keys]
    return form


def goal_fields(form, keys: list[str]) -> dict[str, object]:
    return {key: getattr(form, f"goal_{position}") for position, key in enumerate(keys)}


class PartnerForm(PortalForm):
    partner = SelectField(_l("Partner school"), choices=[])
    note = TextAreaField(_l("What you want to learn from them"), validators=[Optional(), Length(max=4000)])
    submit = SubmitField(_l("Save partner"))


class ActionForm(PortalForm):
    description = TextAreaField(_l("Action"), validators=[InputRequired(_l("Describe the action.")), Length(max=4000)])
    owner = StringField(_l("Owner"), validators=[Optional(), Length(max=200)],
                        description=_l("A person or a team."))
    deadline = DateField(_l("Deadline"), validators=[Optional()])
    dimension = SelectField(_l("Focus it serves"), choices=[])
    status = SelectField(_l("Status"), choices=[])
    submit = SubmitField(_l("Save action"))

    def __init__(self, *args, focuses: list[tuple[str, str]] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.dimension.choices = [("", _l("The whole plan")), *focuses]
        self.status.choices = action_status_choices()


class ActionStatusForm(PortalForm):
    status = SelectField(_l("Status"), choices=[])
    submit = SubmitField(_l("Change"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.status.choices = action_status_choices()


class ConfirmForm(PortalForm):
    submit = SubmitField(_l("Delete"))


class AdoptCardForm(PortalForm):
    card = SelectField(_l("Practice card"), choices=[], coerce=int)
    submit = SubmitField(_l("Adopt"))


class DropCardForm(PortalForm):
    card = HiddenField()
    submit = SubmitField(_l("Remove"))
