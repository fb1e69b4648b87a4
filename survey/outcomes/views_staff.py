"""A school's staff read their own school's outcomes beside their own indices (survey/outcomes/school_view.py)."""
from __future__ import annotations

from datetime import date

from flask import render_template
from flask_login import current_user

from survey.outcomes.school_view import school_outcomes
from survey.portal import staff_blueprint
from survey.results.dashboard.page import page_language

bp = staff_blueprint("outcomes_staff", __name__)


@bp.get("/outcomes")
def index():
    school = current_user.school
    language = page_language()
    return render_template("outcomes/staff.html", school=school, years=school_outcomes(school, language, date.today()),
                           page_language=language)
