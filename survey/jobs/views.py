"""Network admins' view of their network's background jobs (/admin/jobs): state, progress, error."""
from __future__ import annotations

from flask import abort, g, render_template
from flask_login import current_user

from survey.extensions import db
from survey.jobs.models import Job, jobs_of_network
from survey.jobs.operations import status_of
from survey.portal import admin_blueprint

bp = admin_blueprint("jobs_admin", __name__)


@bp.url_value_preprocessor
def _load_job(_endpoint, values) -> None:
    """The job named in the URL, once per request; another network's job (or the deployment's) is not found."""
    if values and "job_id" in values:
        job = db.session.get(Job, values.pop("job_id"))
        if job is None or job.network_id != current_user.network_id:
            abort(404)
        g.job = job


@bp.get("/jobs")
def job_list():
    jobs = db.session.scalars(jobs_of_network(current_user.network_id).limit(50))
    return render_template("jobs/admin_list.html", jobs=[status_of(job) for job in jobs])


@bp.get("/jobs/<int:job_id>")
def job_detail():
    return render_template("jobs/admin_detail.html", status=status_of(g.job))
