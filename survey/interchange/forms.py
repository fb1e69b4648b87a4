from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import StringField, SubmitField
from wtforms.validators import DataRequired, Length, Regexp

from survey.interchange.operations import FORMATS
from survey.portal.forms import PortalForm


class ImportQuestionnaireForm(PortalForm):
    upload = FileField(
        _l("XLSForm (.xlsx, .xls, .csv) or LimeSurvey (.lss) file"),
        validators=[FileRequired(_l("Choose a file.")),
                    FileAllowed(list(FORMATS), _l("Upload an .xlsx, .xls, .csv or .lss file."))],
    )
    family = StringField(
        _l("Family"), validators=[DataRequired(), Length(max=32),
                                  Regexp(r"^[a-z][a-z0-9_]*$",
                                         message=_l("Lowercase letters, digits and _, starting with a letter."))],
        description=_l("e.g. student, staff, company, or your own such as wellbeing"),
    )
    version = StringField(
        _l("Version"), validators=[DataRequired(), Length(max=40),
                                   Regexp(r"^[0-9A-Za-z][0-9A-Za-z._-]*$",
                                          message=_l("Letters, digits, '.', '_' and '-'."))],
        description=_l("e.g. 2027"),
    )
    submit = SubmitField(_l("Import and check"))
