"""Admin views stay thin: parse the request, call the catalog's operations, render."""
from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import func, select

from survey.accounts.models import User
from survey.admin import bp
from survey.admin.forms import NetworkSettingsForm, PublishQuestionnaireForm, UploadQuestionnaireForm, WithdrawForm
from survey.catalog.definition import DefinitionError, Problem, QuestionnaireDefinition, checksum, format_warning
from survey.catalog.diff import diff_definitions, format_diff
from survey.respond.preview import preview_of
from survey.catalog.models import (
    QuestionnaireFamily,
    QuestionnaireVersion,
    latest_version,
    version_by_label,
    versions_of_network,
)
from survey.catalog.operations import PublishError, definition_of, publish_definition, validate_source, withdraw_version
from survey.extensions import db
from survey.network.models import School
from survey.network.operations import NetworkSettingsError, update_network_settings
from survey.rounds.models import SurveyRound, rounds_using


@bp.get("/")
def index():
    network = current_user.network
    counts = {
        "schools": db.session.scalar(select(func.count(School.id)).where(School.network_id == network.id)),
        "users": db.session.scalar(select(func.count(User.id)).where(User.network_id == network.id)),
        "versions": db.session.scalar(versions_of_network(network.id).with_only_columns(func.count(QuestionnaireVersion.id))),
        "rounds": db.session.scalar(select(func.count(SurveyRound.id)).where(SurveyRound.network_id == network.id)),
    }
    return render_template("admin/index.html", network=network, counts=counts)


@bp.route("/settings", methods=["GET", "POST"])
def network_settings():
    network = current_user.network
    form = NetworkSettingsForm(obj=network)
    if form.validate_on_submit():
        try:
            update_network_settings(
                network,
                k_min=form.k_min.data,
                share_school_names=form.share_school_names.data,
                driver_min_cases=form.driver_min_cases.data,
                minimal_difference=form.minimal_difference.data,
                admins_read_comments=form.admins_read_comments.data,
            )
        except NetworkSettingsError as error:
            form.k_min.errors.append(str(error))
        else:
            db.session.commit()
            flash("Settings saved. Results frozen earlier keep the settings they were computed with.", "success")
            return redirect(url_for("admin.index"))
    return render_template("admin/settings.html", form=form, network=network), (422 if form.errors else 200)


@bp.get("/schools")
def schools():
    rows = db.session.scalars(select(School).where(School.network_id == current_user.network_id).order_by(School.code))
    staff = db.session.execute(
        select(User.school_id, func.count(User.id))
        .where(User.network_id == current_user.network_id, User.school_id.is_not(None))
        .group_by(User.school_id)
    ).all()
    return render_template("admin/schools.html", schools=rows.all(), staff=dict(staff))


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
    return render_template("admin/questionnaires.html", families=families, used=used, withdraw_form=WithdrawForm())


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
        return render_template("admin/upload.html", form=form), (422 if form.errors else 200)
    upload = form.definition.data
    filename = upload.filename or "upload.yaml"
    raw = upload.read()
    warnings: list[Problem] = []
    try:
        source = raw.decode("utf-8")
        definition = validate_source(source, filename, network=current_user.network, warnings=warnings)
    except UnicodeDecodeError as error:
        problems = [f"{filename}:1: the file is not UTF-8 text ({error.reason} at byte {error.start})"]
        return render_template("admin/upload.html", form=form, problems=problems), 422
    except DefinitionError as error:
        return render_template("admin/upload.html", form=form, problems=[str(p) for p in error.problems]), 422
    digest = checksum(definition)
    existing = db.session.scalar(version_by_label(current_user.network_id, definition.family, definition.version))
    latest = db.session.scalar(latest_version(current_user.network_id, definition.family))
    previous, diff_text = _diff_against_previous(definition, latest)
    publish_form = PublishQuestionnaireForm(source=source, filename=filename, checksum=digest)
    return render_template(
        "admin/preview.html",
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
        return render_template("admin/upload.html", form=UploadQuestionnaireForm(), problems=[str(p) for p in error.problems]), 422
    except PublishError as error:
        flash(str(error), "error")
        return redirect(url_for("admin.upload_questionnaire"))
    db.session.commit()
    version = result.version
    if result.created:
        flash(f"Published {version.label}.", "success")
    else:
        flash(f"{version.label} is already published with identical content: nothing changed.", "info")
    return redirect(url_for("admin.questionnaire_version", version_id=version.id))


def _version_or_404(version_id: int) -> QuestionnaireVersion:
    """A version of the admin's own network's catalog; another network's answers 404, as if it did not exist."""
    version = db.session.get(QuestionnaireVersion, version_id)
    if version is None or version.network_id != current_user.network_id:
        abort(404)
    return version


@bp.get("/questionnaires/<int:version_id>")
def questionnaire_version(version_id: int):
    version = _version_or_404(version_id)
    definition = definition_of(version)
    diff_text = format_diff(diff_definitions(definition_of(version.previous), definition)) if version.previous else None
    rounds = db.session.scalars(rounds_using(version.id)).all()
    return render_template(
        "admin/version.html",
        version=version,
        definition=definition,
        preview=preview_of(definition),
        diff_text=diff_text,
        rounds=rounds,
        withdraw_form=WithdrawForm(),
    )


@bp.get("/questionnaires/<int:version_id>/source")
def questionnaire_source(version_id: int):
    version = _version_or_404(version_id)
    filename = f"{version.family.key}-{version.version}.yaml"
    return Response(
        version.source,
        mimetype="application/yaml",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.post("/questionnaires/<int:version_id>/withdraw")
def withdraw_questionnaire(version_id: int):
    version = _version_or_404(version_id)
    if not WithdrawForm().validate_on_submit():
        abort(400)
    try:
        withdraw_version(version)
    except PublishError as error:
        flash(str(error), "error")
        return redirect(url_for("admin.questionnaire_version", version_id=version.id))
    db.session.commit()
    flash(f"Withdrew {version.label}: no new round can use it.", "success")
    return redirect(url_for("admin.questionnaires"))
