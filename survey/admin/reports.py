"""Admin pages for reports: start a build (a background job), follow its progress, download every report."""
from __future__ import annotations

import json

from flask import abort, current_app, flash, redirect, render_template, send_file, url_for
from flask_login import current_user
from sqlalchemy import select

from survey.admin import bp
from survey.extensions import db
from survey.reporting import jobs
from survey.reporting.storage import ADMIN_COPY_SUFFIX, NETWORK_KEY, default_store
from survey.results.service import ResultsNotReady, round_results
from survey.rounds.models import SurveyRound


def _round_or_404(round_id: int) -> SurveyRound:
    survey_round = db.session.get(SurveyRound, round_id)
    if survey_round is None or survey_round.network_id != current_user.network_id:
        abort(404)
    return survey_round


def _job_file(round_id: int):
    return default_store().root / str(round_id) / "job.json"


@bp.get("/reports")
def reports_index():
    rounds = db.session.scalars(select(SurveyRound).where(SurveyRound.network_id == current_user.network_id)
                                .order_by(SurveyRound.opens_on.desc())).all()
    return render_template("reports/admin_index.html", rounds=rounds)


@bp.get("/reports/<int:round_id>")
def round_reports(round_id: int):
    survey_round = _round_or_404(round_id)
    index = {key: entry for key, entry in default_store().index(round_id).items()
             if not key.endswith(ADMIN_COPY_SUFFIX)}  # an admins' copy is served under its school's key
    job_path = _job_file(round_id)
    job = json.loads(job_path.read_text())["job"] if job_path.exists() else None
    status = jobs.job_status(job, default_store().root) if job else None
    running = bool(status and status["state"] in ("PENDING", "STARTED", "PROGRESS"))
    return render_template("reports/admin_round.html", round=survey_round, index=index, status=status,
                           running=running, network_key=NETWORK_KEY)


@bp.post("/reports/<int:round_id>/build")
def build_round_reports(round_id: int):
    survey_round = _round_or_404(round_id)
    try:
        round_results(survey_round)
    except ResultsNotReady as not_ready:
        flash(f"Nothing was built: {not_ready}.", "error")
        return redirect(url_for("admin.round_reports", round_id=round_id))
    store = default_store()
    job = jobs.start_build(round_id, store_root=store.root, config=current_app.config,
                           app=current_app._get_current_object())
    path = _job_file(round_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"job": job}))
    flash("The build has started.", "success")
    return redirect(url_for("admin.round_reports", round_id=round_id))


@bp.get("/reports/<int:round_id>/<key>.pdf")
def download_report(round_id: int, key: str):
    survey_round = _round_or_404(round_id)
    store = default_store()
    # METHOD.md: admins read a school's comments only where the network's settings allow it
    path = (store.path(round_id, key) if key == NETWORK_KEY
            else store.admin_path(round_id, key, survey_round.network.admins_read_comments))
    if path is None:
        abort(404)
    name = "network" if key == NETWORK_KEY else key
    return send_file(path, mimetype="application/pdf", as_attachment=True,
                     download_name=f"{survey_round.name}-{name}.pdf")
