"""Admin pages of interchange: import an XLSForm or LimeSurvey file, download a version as XLSForm.

Network admins only (`interchange_admin`, whose one loader gives a version of the admin's own network). The
import page shows what was carried, what was not (by sheet and row, or element and id) and the resulting YAML;
a file that validates is published through the catalog's own publish form and view, exactly like an uploaded
YAML file.
"""
from __future__ import annotations

from flask import Response, current_app, g, render_template
from flask_login import current_user

from survey.catalog.definition import DefinitionError, checksum
from survey.catalog.forms import PublishQuestionnaireForm
from survey.catalog.operations import definition_of, validate_source
from survey.catalog.views_admin import load_own_version
from survey.interchange.exporter import export_xlsform
from survey.interchange.forms import ImportQuestionnaireForm
from survey.interchange.operations import import_questionnaire, unacceptable_upload
from survey.interchange.report import ImportFailed
from survey.portal import admin_blueprint

bp = admin_blueprint("interchange_admin", __name__)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


bp.url_value_preprocessor(load_own_version)


@bp.route("/questionnaires/import", methods=["GET", "POST"])
def import_questionnaire_file():
    form = ImportQuestionnaireForm()
    if not form.validate_on_submit():
        return render_template("interchange/import.html", form=form), (422 if form.errors else 200)
    upload = form.upload.data
    filename = upload.filename or "upload"
    limit = current_app.config["MAX_CONTENT_LENGTH"]
    data = upload.read(limit + 1)
    failure = unacceptable_upload(data, filename, limit)
    out_name = f"{form.family.data}-{form.version.data}.yaml"
    outcome = None
    if failure is None:
        try:
            outcome = import_questionnaire(data, filename, form.family.data, form.version.data, out_name)
        except ImportFailed as error:
            failure = str(error)
    if failure is not None:
        return render_template("interchange/import.html", form=form, failure=failure), 422
    problems = list(outcome.problems)
    publish_form = None
    if outcome.yaml is not None and not problems:
        try:  # validated again as publishing will: with the versions this network has published
            definition = validate_source(outcome.yaml, out_name, network=current_user.network)
        except DefinitionError as error:
            problems = [str(problem) for problem in error.problems]
        else:
            publish_form = PublishQuestionnaireForm(  # not bound to this request: it posts the YAML, not the upload
                formdata=None, source=outcome.yaml, filename=out_name, checksum=checksum(definition))
    status = 200 if outcome.yaml is not None else 422
    return render_template("interchange/import.html", form=form, outcome=outcome, filename=filename,
                           problems=problems, publish_form=publish_form, out_name=out_name), status


@bp.get("/questionnaires/<int:version_id>/xlsform")
def questionnaire_xlsform():
    version = g.version
    filename = f"{version.family.key}-{version.version}.xlsx"
    return Response(
        export_xlsform(definition_of(version)),
        mimetype=XLSX,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
