"""Network admins read every school's results of their network's rounds: the list of rounds with a school
picker, and any school's dashboard (an open round's results provisional and labelled so).

The loader answers 404 for a round of another network, a round not open yet, or a school not in the round.
"""
from __future__ import annotations

from datetime import date

from flask import abort, g, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from survey.extensions import db, security_headers
from survey.plans.pages import dashboard_review
from survey.portal import admin_blueprint
from survey.reporting.storage import default_store
from survey.results.dashboard.loading import school_of_round
from survey.results.dashboard.page import Links, page_language, render_dashboard
from survey.results.dashboard.plotly import plotly_response
from survey.results.service import stored_results_of
from survey.rounds.models import RoundState, SurveyRound

bp = admin_blueprint("admin_results", __name__)

RESPONSE_FORMATS = (("csv", "CSV"), ("xlsx", "Excel"), ("parquet", "Parquet"), ("sav", "SPSS"), ("dta", "Stata"))


def _schools_of(survey_round: SurveyRound) -> list:
    return sorted(survey_round.schools, key=lambda school: (school.name.casefold(), school.code))


@bp.context_processor
def _language() -> dict[str, str]:
    return {"page_language": page_language()}


@bp.url_value_preprocessor
def _load(_endpoint, values) -> None:
    """A round in the URL must be the admin's network's, open or closed, and a school (in the URL or the
    picker's `school`) one of the round's (the blueprint has checked the role before)."""
    if values and "round_id" in values:
        survey_round = db.session.get(SurveyRound, values.pop("round_id"))
        if (survey_round is None or survey_round.network_id != current_user.network_id
                or survey_round.state_on(date.today()) is RoundState.DRAFT):
            abort(404)
        code = values.pop("code", None)
        if code is None:
            code = request.args.get("school", "")
        if school_of_round(survey_round, code) is None:
            abort(404)
        g.survey_round, g.code = survey_round, code


@bp.get("/results")
def index():
    rounds = db.session.scalars(select(SurveyRound).where(SurveyRound.network_id == current_user.network_id)
                                .order_by(SurveyRound.opens_on.desc(), SurveyRound.id.desc())).all()
    today = date.today()
    shown = [(r, r.state_on(today), _schools_of(r)) for r in rounds if r.state_on(today) is not RoundState.DRAFT]
    frozen, snapshots = stored_results_of([r.id for r, _state, _schools in shown])
    return render_template("results/admin_index.html", rounds=shown, states=RoundState, frozen=frozen,
                           snapshots=snapshots, response_formats=RESPONSE_FORMATS)


@bp.get("/results/<int:round_id>")
def pick():
    """The school picker's target: on to that school's dashboard."""
    return redirect(url_for(".dashboard", round_id=g.survey_round.id, code=g.code))


@bp.get("/results/<int:round_id>/<path:code>/")  # path: a code imported before codes were checked may hold "/"
@security_headers.allow_plotly
def dashboard():
    survey_round, code = g.survey_round, g.code
    stored = default_store().path(survey_round.id, code) is not None
    links = Links(plotly=url_for(".plotly_js"),
                  pdf=(url_for("reporting_admin.download_report", round_id=survey_round.id, key=code)
                       if stored else None),
                  downloads={fmt.upper(): url_for("aggregates_admin.aggregates_download", round_id=survey_round.id,
                                                  fmt=fmt) for fmt in ("csv", "xlsx")},
                  picker=url_for(".pick", round_id=survey_round.id), rounds=url_for(".index"))
    # the school's action plan only where the network lets admins read plans (survey.plans.access)
    review = (dashboard_review(survey_round, school_of_round(survey_round, code), page_language())
              if survey_round.state_on(date.today()) is RoundState.CLOSED and current_user.network.admins_read_plans
              else None)
    return render_dashboard(survey_round, code, links=links, today=date.today(), staff=False,
                            picker=_schools_of(survey_round), plan_review=review)


@bp.get("/results/plotly.min.js")
def plotly_js():
    return plotly_response()
