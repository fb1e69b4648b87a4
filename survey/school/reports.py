"""A school's results: the interactive dashboard (the report's own plotly figures) and the stored PDF.

Staff see their own school only: a URL naming another school, or a round their school is not in, or a
round that is not closed yet, answers 404 (never 403, which would confirm the report exists).
`render_dashboard` draws the page for them and for network admins (`survey.admin.results`).
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

import plotly
from flask import abort, render_template, send_file, url_for
from flask_login import current_user
from markupsafe import Markup

from survey.extensions import db, security_headers
from survey.reporting.loader import load_round_inputs
from survey.results.service import ResultsNotReady
from survey.reporting.figures import school_figures
from survey.reporting.layout import school_context
from survey.reporting.storage import default_store
from survey.rounds.models import RoundState, SurveyRound
from survey.results.downloads import STAFF_FORMATS
from survey.results.preparing import preparing_page
from survey.school import bp

PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"


def _my_closed_round(round_id: int, code: str) -> SurveyRound:
    school = current_user.school
    survey_round = db.session.get(SurveyRound, round_id)
    if (code != school.code or survey_round is None or school not in survey_round.schools
            or survey_round.state_on(date.today()) is not RoundState.CLOSED):
        abort(404)
    return survey_round


@bp.get("/reports/plotly.min.js")
def plotly_js():
    return send_file(PLOTLY_JS, mimetype="text/javascript", max_age=7 * 24 * 3600)


@bp.get("/reports")
def my_reports():
    school = current_user.school
    today = date.today()
    rounds = [r for r in sorted(school_rounds(school), key=lambda r: r.opens_on, reverse=True)
              if r.state_on(today) is RoundState.CLOSED]
    store = default_store()
    built = {r.id: store.path(r.id, school.code) is not None for r in rounds}
    return render_template("reports/school_index.html", school=school, rounds=rounds, built=built)


def school_rounds(school):
    from sqlalchemy import select

    from survey.rounds.models import round_school

    return db.session.scalars(select(SurveyRound).join(round_school).where(round_school.c.school_id == school.id)).all()


def chart(figure) -> Markup:
    """A plotly figure for static/dashboard.js to draw: its JSON in an attribute, no inline script (CSP)."""
    return Markup('<div class="chart" data-figure="{}"></div>').format(figure.to_json())


def render_dashboard(survey_round: SurveyRound, code: str, *, pdf_url: str | None, downloads: dict[str, str],
                     plotly_url: str, today: date, picker=None, staff: bool = True) -> str:
    """One school's dashboard of a round, the same for staff and admins: the report's numbers and plotly
    figures. Results are frozen for a closed round, the daily provisional snapshot (labelled so, with its date)
    for an open one, and "being prepared" until they are stored.
    `pdf_url` is shown when the school's PDF is stored; `downloads`: label -> URL; `plotly_url`: plotly.js as
    the viewer's blueprint serves it; `picker`: the round's schools, for an admin to switch between. `staff`:
    the school's staff view (network cells under school-level confidentiality); False for an admin."""
    try:
        reports, _network = load_round_inputs(survey_round, today=today, school_codes={code}, staff=staff)
    except ResultsNotReady as not_ready:
        return preparing_page(not_ready)
    inputs = reports[0]
    context = school_context(inputs, svgs={})
    figures = {name: chart(figure) for name, figure in school_figures(inputs).items()}
    if default_store().path(survey_round.id, code) is None:
        pdf_url = None
    return render_template("reports/dashboard.html", round=survey_round, code=code, c=context, figures=figures,
                           pdf_url=pdf_url, downloads=downloads, provisional=inputs.round.provisional,
                           as_of=inputs.round.as_of, plotly_url=plotly_url, picker=picker)



@bp.get("/reports/<int:round_id>/<path:code>/")  # path: an old code may hold "/"
@security_headers.allow_plotly
def dashboard(round_id: int, code: str):
    survey_round = _my_closed_round(round_id, code)
    return render_dashboard(
        survey_round, code, today=date.today(), plotly_url=url_for("school.plotly_js"),
        pdf_url=url_for("school.my_report_pdf", round_id=round_id, code=code),
        downloads={fmt.upper(): url_for("aggregates_staff.my_aggregates_download", round_id=round_id, fmt=fmt)
                   for fmt in STAFF_FORMATS})


@bp.get("/reports/<int:round_id>/<path:code>/report.pdf")
def my_report_pdf(round_id: int, code: str):
    survey_round = _my_closed_round(round_id, code)
    path = default_store().path(round_id, code)
    if path is None:
        abort(404)
    return send_file(path, mimetype="application/pdf", as_attachment=True,
                     download_name=f"{survey_round.name}-{code}.pdf")
