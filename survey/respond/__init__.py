"""The public side: the front page now, the respondents' survey links (/s/<token>) with the rounds."""
from flask import Blueprint

bp = Blueprint("respond", __name__)

from survey.respond import views  # noqa: E402,F401
from survey.respond import form  # noqa: E402,F401
