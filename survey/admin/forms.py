from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, FloatField, HiddenField, IntegerField, SubmitField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from survey.network.models import K_MIN_FLOOR


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


class NetworkSettingsForm(FlaskForm):
    k_min = IntegerField(
        "Minimum group size (k_min)",
        validators=[InputRequired(), NumberRange(min=K_MIN_FLOOR, max=100,
                                                 message=f"Give a whole number from {K_MIN_FLOOR} to 100: a "
                                                         f"group of fewer than {K_MIN_FLOOR} is never shown.")],
        description=f"Groups with fewer respondents are suppressed everywhere (5 is the common recommendation; "
                    f"never below {K_MIN_FLOOR}).",
    )
    share_school_names = BooleanField("Schools see each other's names in benchmarks and partner lists")
    admins_read_comments = BooleanField(
        "Network admins read the schools' free-text comments (in school reports and dashboards)")
    driver_min_cases = IntegerField(
        "Complete cases for a school's own structural analysis",
        validators=[InputRequired(), NumberRange(min=10, max=100000)],
        description="Smaller schools are shown the network's importances, labelled as such (300 by default).",
    )
    minimal_difference = FloatField(
        "Minimal important difference (index points)",
        validators=[InputRequired("Give the minimal important difference, e.g. 3."),
                    NumberRange(min=0.1, max=50, message="Give a number of index points from 0.1 to 50, e.g. 3.")],
        description="A change between rounds is flagged, and a benchmark partner offered, only when the "
                    "difference is at least this large (3 by default).",
    )
    submit = SubmitField("Save settings")
