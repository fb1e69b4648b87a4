"""Admin pages of the catalog: list the questionnaires, upload a file and preview it (with its diff against
the version it follows), publish it, look at a version, download its source, withdraw it.

Views stay thin: parse the request, call the catalog's operations, render. The blueprint's one loader,
`load_own_version`, gives every view with a version in its URL that version of the admin's own network's
catalog; another network's answers 404, as if it did not exist.
"""
from __future__ import annotations

from flask import Response, abort, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from survey.catalog.definition import DefinitionError, Problem, QuestionnaireDefinition, checksum, format_warning
from survey.catalog.diff import diff_definitions, format_diff
from survey.catalog.forms import PublishQuestionnaireForm, UploadQuestionnaireForm, WithdrawForm
from survey.catalog.models import QuestionnaireFamily, QuestionnaireVersion, latest_version, version_by_label
from survey.catalog.operations import PublishError, definition_of, publish_definition, validate_source, withdraw_version
from survey.extensions import db
from survey.portal import admin_blueprint, refuse
from survey.respond.preview import preview_of
from survey.rounds.models import SurveyRound, rounds_using

bp = admin_blueprint("catalog_admin", __name__)


@bp.url_value_preprocessor
def load_own_version(_endpoint: str | None, values: dict | None) -> None:
    """A version of the admin's own network; another network's answers 404, as if it did not exist (also the
    questionnaire import's loader, `survey.interchange.views`)."""
    if values is None or "version_id" not in values:
        return
    version = db.session.get(QuestionnaireVersion, values.pop("version_id"))
    if version is None or version.network_id != current_user.network_id:
        abort(404)
    g.version = version


@bp.get("/questionnaires")
def questionnaires():
    families = db.session.scalars(
        select(QuestionnaireFamily)
        .where(QuestionnaireFamily.network_id == current_user.network_id)
        .order_by(QuestionnaireFamily.key)
    ).all()
    used = {
        version_id
        for (version_id,) in db.session.execute(
            select(SurveyRound.version_id).where(SurveyRound.network_id == current_user.network_id).distinct()
        )
    }
    return render_template("catalog/questionnaires.html", families=families, used=used, withdraw_form=WithdrawForm())


def _diff_against_previous(
    definition: QuestionnaireDefinition, latest: QuestionnaireVersion | None
) -> tuple[QuestionnaireVersion | None, str | None]:
    """The diff against the published version this one follows (lineage is stated relative to it). A file that
    names none, in a family that has versions, has no diff: it comes back with the latest version, so the page
    can say that nothing of it would stay comparable."""
    if definition.previous is None:
        return (latest if latest is not None and latest.version != definition.version else None), None
    previous = db.session.scalar(version_by_label(current_user.network_id, definition.family, definition.previous))
    if previous is None:
        return None, None
    return previous, format_diff(diff_definitions(definition_of(previous), definition))


@bp.route("/questionnaires/upload", methods=["GET", "POST"])
def upload_questionnaire():
    form = UploadQuestionnaireForm()
    if not form.validate_on_submit():
        return render_template("catalog/upload.html", form=form), (422 if form.errors else 200)
    upload = form.definition.data
    filename = upload.filename or "upload.yaml"
    raw = upload.read()
    warnings: list[Problem] = []
    try:
        source = raw.decode("utf-8")
        definition = validate_source(source, filename, network=current_user.network, warnings=warnings)
    except UnicodeDecodeError as error:
        problems = [_("%(file)s:1: the file is not UTF-8 text (%(reason)s at byte %(byte)d)", file=filename,
                      reason=error.reason, byte=error.start)]
        return render_template("catalog/upload.html", form=form, problems=problems), 422
    except DefinitionError as error:
        return render_template("catalog/upload.html", form=form, problems=[str(p) for p in error.problems]), 422
    digest = checksum(definition)
    existing = db.session.scalar(version_by_label(current_user.network_id, definition.family, definition.version))
    latest = db.session.scalar(latest_version(current_user.network_id, definition.family))
    previous, diff_text = _diff_against_previous(definition, latest)
    publish_form = PublishQuestionnaireForm(source=source, filename=filename, checksum=digest)
    return render_template(
        "catalog/preview.html",
        definition=definition,
        preview=preview_of(definition),
        checksum=digest,
        previous=previous,
        diff_text=diff_text,
        existing=existing,
        latest=latest,
        publish_form=publish_form,
        warnings=[format_warning(warning) for warning in warnings],
    )


@bp.post("/questionnaires/publish")
def publish_questionnaire():
    form = PublishQuestionnaireForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        definition = validate_source(form.source.data, form.filename.data, network=current_user.network)
        if checksum(definition) != form.checksum.data:
            abort(400)
        result = publish_definition(current_user.network, definition, form.source.data, current_user.email)
    except DefinitionError as error:
        return render_template("catalog/upload.html", form=UploadQuestionnaireForm(),
                               problems=[str(p) for p in error.problems]), 422
    except PublishError as error:
        refuse(str(error))
        return redirect(url_for("catalog_admin.upload_questionnaire"))
    version = result.version
    if result.created:
        flash(_("Published %(version)s.", version=version.label), "success")
    else:
        flash(_("%(version)s is already published with identical content: nothing changed.", version=version.label),
              "info")
    return redirect(url_for("catalog_admin.questionnaire_version", version_id=version.id))


@bp.get("/questionnaires/<int:version_id>")
def questionnaire_version():
    version = g.version
    definition = definition_of(version)
    diff_text = format_diff(diff_definitions(definition_of(version.previous), definition)) if version.previous else None
    rounds = db.session.scalars(rounds_using(version.id)).all()
    return render_template(
        "catalog/version.html",
        version=version,
        definition=definition,
        preview=preview_of(definition),
        diff_text=diff_text,
        rounds=rounds,
        withdraw_form=WithdrawForm(),
    )


@bp.get("/questionnaires/<int:version_id>/source")
def questionnaire_source():
    version = g.version
    filename = f"{version.family.key}-{version.version}.yaml"
    return Response(
        version.source,
        mimetype="application/yaml",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.post("/questionnaires/<int:version_id>/withdraw")
def withdraw_questionnaire():
    version = g.version
    if not WithdrawForm().validate_on_submit():
        abort(400)
    try:
        withdraw_version(version)
    except PublishError as error:
        refuse(str(error))
        return redirect(url_for("catalog_admin.questionnaire_version", version_id=version.id))
    flash(_("Withdrew %(version)s: no new round can use it.", version=version.label), "success")
    return redirect(url_for("catalog_admin.questionnaires"))
