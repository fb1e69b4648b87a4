"""A school's staff read their own school's results: the list of closed rounds, each round's dashboard and its
stored PDF.

The loader answers 404 (never 403, which would confirm the report exists) for a URL naming another school, a
round the school is not in, or a round that is not closed yet: provisional results are for admins only.
"""
from __future__ import annotations

from datetime import date

from flask import abort, g, render_template, send_file, url_for
from flask_login import current_user
from sqlalchemy import select

from survey.audit import record
from survey.extensions import db, security_headers
from survey.learning.learn_from import dashboard_sections
from survey.plans.pages import dashboard_review
from survey.portal import staff_blueprint
from survey.reporting.storage import default_store
from survey.results.dashboard.loading import school_of_round
from survey.results.dashboard.page import Links, page_language, render_dashboard
from survey.results.dashboard.plotly import plotly_response
from survey.results.downloads import STAFF_FORMATS
from survey.rounds.models import RoundState, SurveyRound, round_school

bp = staff_blueprint("staff_results", __name__)


@bp.context_processor
def _language() -> dict[str, str]:
    return {"page_language": page_language()}


@bp.url_value_preprocessor
def _load(_endpoint, values) -> None:
    """A round in the URL must be one of the school's closed rounds, and the code its own (the blueprint has
    checked the role before)."""
    if values and "round_id" in values:
        school = current_user.school
        survey_round = db.session.get(SurveyRound, values.pop("round_id"))
        code = values.pop("code")
        if (code != school.code or survey_round is None or school_of_round(survey_round, code) is None
                or survey_round.state_on(date.today()) is not RoundState.CLOSED):
            abort(404)
        g.survey_round = survey_round


@bp.get("/reports")
def index():
    school = current_user.school
    today = date.today()
    rounds = db.session.scalars(select(SurveyRound).join(round_school)
                                .where(round_school.c.school_id == school.id)
                                .order_by(SurveyRound.opens_on.desc(), SurveyRound.id.desc())).all()
    closed = [r for r in rounds if r.state_on(today) is RoundState.CLOSED]
    store = default_store()
    built = {r.id: store.path(r.id, school.code) is not None for r in closed}
    return render_template("results/staff_index.html", school=school, rounds=closed, built=built)


@bp.get("/reports/plotly.min.js")
def plotly_js():
    return plotly_response()


@bp.get("/reports/<int:round_id>/<path:code>/")  # path: an old code may hold "/"
@security_headers.allow_plotly
def dashboard():
    survey_round, code = g.survey_round, current_user.school.code
    stored = default_store().path(survey_round.id, code) is not None
    links = Links(plotly=url_for(".plotly_js"),
                  pdf=url_for(".report_pdf", round_id=survey_round.id, code=code) if stored else None,
                  downloads={fmt.upper(): url_for("aggregates_staff.my_aggregates_download",
                                                  round_id=survey_round.id, fmt=fmt) for fmt in STAFF_FORMATS},
                  rounds=url_for(".index"))
    learn_from = dashboard_sections(survey_round, code, page_language(), date.today())
    return render_dashboard(survey_round, code, links=links, today=date.today(), staff=True, learn_from=learn_from,
                            plan_review=dashboard_review(survey_round, current_user.school, page_language()))


@bp.get("/reports/<int:round_id>/<path:code>/report.pdf")
def report_pdf():
    survey_round, code = g.survey_round, current_user.school.code
    path = default_store().path(survey_round.id, code)
    if path is None:
        abort(404)
    record(current_user, "pdf.download", f"round {survey_round.name}", {"report": code})
    return send_file(path, mimetype="application/pdf", as_attachment=True,
                     download_name=f"{survey_round.name}-{code}.pdf")
