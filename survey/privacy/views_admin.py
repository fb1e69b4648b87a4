"""Admin pages of privacy: the network's retention schedule and its records of processing."""
from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.utils import secure_filename

from survey.audit import record
from survey.portal import admin_blueprint
from survey.privacy.forms import RetentionScheduleForm
from survey.privacy.models import schedule_of
from survey.privacy.operations import SCHEDULE_FIELDS, update_retention_schedule
from survey.privacy.records import RECORD_LANGUAGES, records_html, records_of, records_pdf

bp = admin_blueprint("privacy_admin", __name__)


@bp.route("/privacy/retention", methods=["GET", "POST"])
def retention():
    network = current_user.network
    form = RetentionScheduleForm(obj=schedule_of(network))
    if form.validate_on_submit():
        changed = update_retention_schedule(network, **{name: getattr(form, name).data or None
                                                        if name == "contact_email" else getattr(form, name).data
                                                        for name in SCHEDULE_FIELDS})
        if changed:
            record(current_user, "settings.change", "retention schedule", changed)
        flash(_("Retention schedule saved. It is applied daily; what is past a new limit goes at the next run."),
              "success")
        return redirect(url_for("privacy_admin.retention"))
    return render_template("privacy/retention.html", form=form, network=network), (422 if form.errors else 200)


@bp.get("/privacy/records")
def records():
    return render_template("privacy/records.html", records=records_of(current_user.network))


@bp.get("/privacy/records-<language>.<fmt>")
def records_download(language: str, fmt: str):
    """The records as a file in `language`: a PDF through the reports' WeasyPrint rendering, or standalone HTML."""
    if language not in RECORD_LANGUAGES or fmt not in ("pdf", "html"):
        abort(404)
    document = records_of(current_user.network)
    if fmt == "pdf":
        body, mimetype = records_pdf(document, language), "application/pdf"
    else:
        body, mimetype = records_html(document, language).encode("utf-8"), "text/html; charset=utf-8"
    name = secure_filename(f"records-of-processing-{document.network}-{language}.{fmt}") or f"records.{fmt}"
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}"'})
