"""The pages of an organiser's staff (role `organiser_staff`, under /organiser), read-only: the organiser's own
results page and PDF report (the organiser beside the network, its schools side by side), and each of its
schools' dashboard and PDF exactly as that school's staff see them.

Per-object authorization lives in the one loader (`url_value_preprocessor`): a round none of the organiser's
schools is in, a round not closed yet, or a school of another organiser answers 404 (never 403, which would
confirm the object exists).
"""
from __future__ import annotations

import io
from datetime import date

from flask import abort, g, render_template, send_file, url_for
from flask_login import current_user
from sqlalchemy import select

from survey.extensions import db, security_headers
from survey.network.models import School
from survey.portal import organiser_blueprint
from survey.reporting.layout.organiser import organiser_context
from survey.reporting.loader import load_organiser_inputs
from survey.results.dashboard.page import Links, page_language, render_dashboard
from survey.results.dashboard.plotly import plotly_response
from survey.results.preparing import preparing_page
from survey.results.service import ResultsNotReady
from survey.rounds.models import RoundState, SurveyRound, round_school

bp = organiser_blueprint("network_organiser", __name__)


def _closed_rounds() -> list[SurveyRound]:
    """The closed rounds of the organiser's schools, newest first."""
    rounds = db.session.scalars(
        select(SurveyRound).join(round_school).join(School, School.id == round_school.c.school_id)
        .where(School.organiser_id == current_user.organiser_id).distinct()).all()
    today = date.today()
    return sorted((r for r in rounds if r.state_on(today) is RoundState.CLOSED), key=lambda r: r.opens_on,
                  reverse=True)


def _own_schools(survey_round: SurveyRound) -> list[School]:
    return [s for s in survey_round.schools if s.organiser_id == current_user.organiser_id]


@bp.url_value_preprocessor
def load_objects(_endpoint, values):
    if not values or "round_id" not in values:
        return
    survey_round = db.session.get(SurveyRound, values.pop("round_id"))
    if (survey_round is None or survey_round.network_id != current_user.network_id
            or survey_round.state_on(date.today()) is not RoundState.CLOSED or not _own_schools(survey_round)):
        abort(404)
    g.round = survey_round
    if "code" in values:
        code = values.pop("code")
        school = next((s for s in _own_schools(survey_round) if s.code == code), None)
        if school is None:
            abort(404)
        g.school = school


@bp.url_defaults
def keep_objects(_endpoint, values):
    """Links within a page keep its round (and school) unless they name others."""
    if "round" in g and "round_id" not in values:
        values.setdefault("round_id", g.round.id)


@bp.context_processor
def _page_language() -> dict[str, str]:
    return {"page_language": page_language()}


@bp.get("/reports/plotly.min.js")
def plotly_js():
    return plotly_response()


@bp.get("/")
def index():
    organiser = current_user.organiser
    rounds = _closed_rounds()
    schools = {r.id: _own_schools(r) for r in rounds}
    return render_template("network/organiser_home.html", organiser=organiser, rounds=rounds, schools=schools)


@bp.get("/results/<int:round_id>/")
def results():
    try:
        inputs = load_organiser_inputs(g.round, current_user.organiser, language=_language())
    except ResultsNotReady as not_ready:
        return preparing_page(not_ready)
    return render_template("network/organiser_results.html", round=g.round, organiser=current_user.organiser,
                           c=organiser_context(inputs))


@bp.get("/results/<int:round_id>/report.pdf")
def report_pdf():
    from survey.reporting.pdf import render_organiser_report  # WeasyPrint only where a PDF is made

    try:
        inputs = load_organiser_inputs(g.round, current_user.organiser, language=_language())
    except ResultsNotReady:
        abort(404)
    return send_file(io.BytesIO(render_organiser_report(inputs)), mimetype="application/pdf", as_attachment=True,
                     download_name=f"{g.round.name}-{current_user.organiser.code}.pdf")


@bp.get("/results/<int:round_id>/schools/<path:code>/")
@security_headers.allow_plotly
def school_dashboard():
    """The school's dashboard as its staff see it (`staff=True`), without the staff's downloads; the network's
    cells are checked against all the organiser's schools taken together (the reader knows every one of them).
    The school's stored PDF is not offered: it was made for one school's staff, and two of them side by side
    would tell an organiser more about the schools outside it than its own page does."""
    links = Links(plotly=url_for(".plotly_js"), pdf=None, rounds=url_for(".index"))
    own = tuple(sorted(school.code for school in _own_schools(g.round)))
    return render_dashboard(g.round, g.school.code, links=links, today=date.today(), staff=True, viewer_schools=own)



def _language() -> str:
    """The organiser report's language: the portal's (da, sv or en)."""
    from flask_babel import get_locale

    locale = str(get_locale() or "da")[:2]
    return locale if locale in ("da", "sv", "en") else "da"
