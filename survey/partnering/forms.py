"""The forms of benchlearning requests: asking a partner, answering, planning the meeting, notes."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, HiddenField, SelectField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from survey.partnering.operations import MESSAGE_MAX, NOTE_MAX
from survey.portal.forms import PortalForm


class AskForm(PortalForm):
    """One per partner on the partner page. `dimension` and `partner` (the label the school sees) say which entry
    of the school's own list was chosen; the partner school is looked up from them, server-side."""

    dimension = HiddenField(validators=[DataRequired(), Length(max=64)])
    partner = HiddenField(validators=[DataRequired(), Length(max=200)])
    message = TextAreaField(_l("Message to the partner school"), validators=[Optional(), Length(max=MESSAGE_MAX)],
                            description=_l("What would you like to learn? Do not write your school's name unless "
                                           "you want the partner to know it."))
    reveal = BooleanField(_l("Reveal our school's name to the partner"))
    submit = SubmitField(_l("Ask to learn from this school"))


class AcceptForm(PortalForm):
    reveal = BooleanField(_l("Reveal our school's name to the school that asked"))
    submit = SubmitField(_l("Accept"))


class DeclineForm(PortalForm):
    reason = TextAreaField(_l("Reason (optional, shown to the school that asked)"),
                           validators=[Optional(), Length(max=NOTE_MAX)])
    submit = SubmitField(_l("Decline"))


class ActionForm(PortalForm):
    """A step that needs nothing but the click: withdraw, mark completed, reveal."""

    submit = SubmitField()


class MeetingForm(PortalForm):
    on = DateField(_l("Date"), validators=[InputRequired()])  # a wrong date says so, not "required"
    # always holds a choice (the first is preselected): no `required`, which HTML allows only on a select whose
    # first option is an empty placeholder
    kind = SelectField(_l("Kind"), validators=[DataRequired()], render_kw={"required": False})
    note = TextAreaField(_l("Note (time, place, agenda)"), validators=[Optional(), Length(max=NOTE_MAX)])
    submit = SubmitField(_l("Save the visit or meeting"))


class NoteForm(PortalForm):
    body = TextAreaField(_l("Note"), validators=[DataRequired(), Length(max=NOTE_MAX)])
    submit = SubmitField(_l("Add the note"))
