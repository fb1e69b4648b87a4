"""The outcome pages' forms (CSRF on each, Flask-WTF): the upload and an indicator's deletion."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import SubmitField

from survey.portal.forms import PortalForm


class OutcomeUploadForm(PortalForm):
    file = FileField(_l("CSV file"), validators=[FileRequired(_l("Choose a CSV file.")),
                                                 FileAllowed(["csv", "txt"], _l("Choose a CSV file."))])
    submit = SubmitField(_l("Import outcomes"))


class DeleteIndicatorForm(PortalForm):
    """Deleting one indicator with all its values: one form per indicator on the list (its button's id is
    given in the template, so the page's ids stay unique)."""

    submit = SubmitField(_l("Delete"))
