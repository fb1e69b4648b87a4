"""The catalog's forms: upload a questionnaire file, publish what was previewed, withdraw a version."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import HiddenField, SubmitField
from wtforms.validators import DataRequired, Length

from survey.portal.forms import PortalForm


class UploadQuestionnaireForm(PortalForm):
    definition = FileField(
        _l("Questionnaire file (YAML)"),
        validators=[FileRequired(_l("Choose a questionnaire file.")),
                    FileAllowed(["yaml", "yml"], _l("Upload a .yaml file."))],
    )
    submit = SubmitField(_l("Check and preview"))


class PublishQuestionnaireForm(PortalForm):
    """Carries the previewed file back; the server validates it again and checks it is what was previewed."""

    source = HiddenField(validators=[DataRequired()])
    filename = HiddenField(validators=[DataRequired(), Length(max=255)])
    checksum = HiddenField(validators=[DataRequired(), Length(min=64, max=64)])
    submit = SubmitField(_l("Publish this version"))


class WithdrawForm(PortalForm):
    submit = SubmitField(_l("Withdraw"))
