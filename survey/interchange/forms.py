from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import StringField, SubmitField
from wtforms.validators import DataRequired, Length, Regexp

from survey.interchange.operations import FORMATS


class ImportQuestionnaireForm(FlaskForm):
    upload = FileField(
        "XLSForm (.xlsx, .xls, .csv) or LimeSurvey (.lss) file",
        validators=[FileRequired("Choose a file."),
                    FileAllowed(list(FORMATS), "Upload an .xlsx, .xls, .csv or .lss file.")],
    )
    family = StringField(
        "Family", validators=[DataRequired(), Length(max=32),
                              Regexp(r"^[a-z][a-z0-9_]*$", message="Lowercase letters, digits and _, starting with a letter.")],
        description="e.g. student, staff, company, or your own such as wellbeing",
    )
    version = StringField(
        "Version", validators=[DataRequired(), Length(max=40),
                               Regexp(r"^[0-9A-Za-z][0-9A-Za-z._-]*$", message="Letters, digits, '.', '_' and '-'.")],
        description="e.g. 2027",
    )
    submit = SubmitField("Import and check")
