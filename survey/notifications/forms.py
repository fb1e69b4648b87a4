"""The forms of the notification page."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, SubmitField
from wtforms.validators import InputRequired, NumberRange
from wtforms.widgets import HiddenInput

from survey.portal.forms import PortalForm


class MarkReadForm(PortalForm):
    submit = SubmitField(_l("Mark as read"))


class MarkAllReadForm(PortalForm):
    """`up_to`: the newest notification the page showed, so that one arriving meanwhile stays unread."""

    up_to = IntegerField(widget=HiddenInput(), validators=[InputRequired(), NumberRange(min=1)])
    submit = SubmitField(_l("Mark all as read"))
