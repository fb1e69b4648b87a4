"""Network admins' report pages (/admin/reports): queue a round's build, follow it, download every report.

The build is a `report.build` job (`survey.reporting.jobs`); the page reads its progress from the Job row, so
any web process shows it, whichever runner does the work.
"""
from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from survey.audit import record
from survey.extensions import db
from survey.jobs import enqueue
from survey.jobs.models import Job, jobs_of_network
from survey.jobs.operations import status_of
from survey.portal import admin_blueprint, refuse
from survey.reporting.jobs import BUILD
from survey.reporting.storage import ADMIN_COPY_SUFFIX, NETWORK_KEY, default_store
from survey.results.service import ResultsNotReady, round_results
from survey.rounds.models import SurveyRound

bp = admin_blueprint("reporting_admin", __name__)


@bp.url_value_preprocessor
def _load_round(_endpoint, values) -> None:
    """The round named in the URL, once per request; another network's round is not found."""
    if values and "round_id" in values:
        survey_round = db.session.get(SurveyRound, values.pop("round_id"))
        if survey_round is None or survey_round.network_id != current_user.network_id:
            abort(404)
        g.round = survey_round


def latest_build(survey_round: SurveyRound) -> Job | None:
    return db.session.scalar(jobs_of_network(survey_round.network_id, BUILD)
                             .where(Job.params["round_id"].as_integer() == survey_round.id).limit(1))


@bp.get("/reports")
def reports_index():
    rounds = db.session.scalars(select(SurveyRound).where(SurveyRound.network_id == current_user.network_id)
                                .order_by(SurveyRound.opens_on.desc())).all()
    return render_template("reports/admin_index.html", rounds=rounds)


@bp.get("/reports/<int:round_id>")
def round_reports():
    survey_round = g.round
    index = {key: entry for key, entry in default_store().index(survey_round.id).items()
             if not key.endswith(ADMIN_COPY_SUFFIX)}  # an admins' copy is served under its school's key
    job = latest_build(survey_round)
    status = status_of(job) if job is not None else None
    return render_template("reports/admin_round.html", round=survey_round, index=index, status=status,
                           network_key=NETWORK_KEY)


@bp.post("/reports/<int:round_id>/build")
def build_round_reports():
    survey_round = g.round
    running = latest_build(survey_round)
    if running is not None and status_of(running).active:
        refuse(_("A build of this round is already under way."))
        return redirect(url_for(".round_reports", round_id=survey_round.id))
    try:
        round_results(survey_round)
    except ResultsNotReady as not_ready:
        refuse(_("Nothing was built: %(reason)s.", reason=str(not_ready)))
        return redirect(url_for(".round_reports", round_id=survey_round.id))
    enqueue(BUILD, round_id=survey_round.id, network_id=survey_round.network_id)  # runs once the request commits
    flash(_("The build has started."), "success")
    return redirect(url_for(".round_reports", round_id=survey_round.id))


@bp.get("/reports/<int:round_id>/<key>.pdf")
def download_report(key: str):
    survey_round = g.round
    store = default_store()
    # METHOD.md: admins read a school's comments (and its action plan) only where the network's settings allow it
    path = (store.path(survey_round.id, key) if key == NETWORK_KEY
            else store.admin_path(survey_round.id, key, survey_round.network.admins_read_comments,
                                  survey_round.network.admins_read_plans))
    if path is None:
        abort(404)
    name = "network" if key == NETWORK_KEY else key
    record(current_user, "pdf.download", f"round {survey_round.name}", {"report": name})
    return send_file(path, mimetype="application/pdf", as_attachment=True,
                     download_name=f"{survey_round.name}-{name}.pdf")
