"""Network admins see every school's results: the school's own dashboard (the report's plotly figures) for any
school of any round of their network, picked per round; an open round's results are provisional and labelled
so. A round of another network, a school not in the round, or a round not open yet answers 404.
"""
from __future__ import annotations

from datetime import date

from flask import abort, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from sqlalchemy import select

from survey.admin import bp
from survey.extensions import db, security_headers
from survey.results.service import stored_results_of
from survey.rounds.models import RoundState, SurveyRound
from survey.school.reports import PLOTLY_JS, render_dashboard


def _schools_of(survey_round: SurveyRound) -> list:
    return sorted(survey_round.schools, key=lambda school: (school.name.casefold(), school.code))


def _round_or_404(round_id: int) -> SurveyRound:
    survey_round = db.session.get(SurveyRound, round_id)
    if survey_round is None or survey_round.network_id != current_user.network_id:
        abort(404)
    return survey_round


def _results_round_or_404(round_id: int, code: str | None = None) -> SurveyRound:
    """The admin's own round, with results to show (open or closed), and `code` one of its schools."""
    survey_round = _round_or_404(round_id)
    if survey_round.state_on(date.today()) is RoundState.DRAFT:
        abort(404)
    if code is not None and code not in {school.code for school in survey_round.schools}:
        abort(404)
    return survey_round


@bp.get("/results")
def results_index():
    rounds = db.session.scalars(select(SurveyRound).where(SurveyRound.network_id == current_user.network_id)
                                .order_by(SurveyRound.opens_on.desc(), SurveyRound.id.desc())).all()
    today = date.today()
    shown = [(r, r.state_on(today), _schools_of(r)) for r in rounds if r.state_on(today) is not RoundState.DRAFT]
    frozen, snapshots = stored_results_of([r.id for r, _state, _schools in shown])
    return render_template("admin/results.html", rounds=shown, states=RoundState, frozen=frozen, snapshots=snapshots,
                           response_formats=RESPONSE_FORMATS)


RESPONSE_FORMATS = (("csv", "CSV"), ("xlsx", "Excel"), ("parquet", "Parquet"), ("sav", "SPSS"), ("dta", "Stata"))


@bp.get("/results/<int:round_id>")
def results_pick(round_id: int):
    """The school picker's target: on to that school's dashboard."""
    code = request.args.get("school", "")
    _results_round_or_404(round_id, code)
    return redirect(url_for("admin.results_dashboard", round_id=round_id, code=code))


@bp.get("/results/<int:round_id>/<path:code>/")  # path: a code imported before codes were checked may hold "/"
@security_headers.allow_plotly
def results_dashboard(round_id: int, code: str):
    survey_round = _results_round_or_404(round_id, code)
    return render_dashboard(
        survey_round, code, today=date.today(), plotly_url=url_for("admin.plotly_js"), staff=False,
        pdf_url=url_for("reporting_admin.download_report", round_id=round_id, key=code),
        downloads={f"All schools' aggregates ({fmt.upper()})": url_for("aggregates_admin.aggregates_download",
                                                                       round_id=round_id, fmt=fmt)
                   for fmt in ("csv", "xlsx")},
        picker=_schools_of(survey_round))


@bp.get("/results/plotly.min.js")
def plotly_js():
    return send_file(PLOTLY_JS, mimetype="text/javascript", max_age=7 * 24 * 3600)
