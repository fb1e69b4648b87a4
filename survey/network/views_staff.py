"""The school's home page for its quality staff: its rounds and the questionnaires it may be asked to run."""
from __future__ import annotations

from flask import render_template
from flask_login import current_user
from sqlalchemy import select

from survey.catalog.models import QuestionnaireVersion, versions_of_network
from survey.extensions import db
from survey.portal import staff_blueprint
from survey.rounds.models import SurveyRound, round_school

bp = staff_blueprint("network_staff", __name__)


@bp.get("/")
def index():
    school = current_user.school
    rounds = db.session.scalars(
        select(SurveyRound).join(round_school).where(round_school.c.school_id == school.id)
        .order_by(SurveyRound.opens_on.desc())
    ).all()
    versions = db.session.scalars(
        versions_of_network(school.network_id)
        .where(QuestionnaireVersion.withdrawn_at.is_(None))
        .order_by(QuestionnaireVersion.published_at)
    ).all()
    return render_template("network/school_home.html", school=school, rounds=rounds, versions=versions)
