from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import HiddenField, SubmitField
from wtforms.validators import DataRequired, Length


class UploadQuestionnaireForm(FlaskForm):
    definition = FileField(
        "Questionnaire file (YAML)",
        validators=[FileRequired("Choose a questionnaire file."), FileAllowed(["yaml", "yml"], "Upload a .yaml file.")],
    )
    submit = SubmitField("Check and preview")


class PublishQuestionnaireForm(FlaskForm):
    """Carries the previewed file back; the server validates it again and checks it is what was previewed."""

    source = HiddenField(validators=[DataRequired()])
    filename = HiddenField(validators=[DataRequired(), Length(max=255)])
    checksum = HiddenField(validators=[DataRequired(), Length(min=64, max=64)])
    submit = SubmitField("Publish this version")


class WithdrawForm(FlaskForm):
    submit = SubmitField("Withdraw")
