"""Admin pages for rounds: list, create, follow (links, live counts), open/close, change (dates, version,
schools), delete, personal invitations."""
from __future__ import annotations

from datetime import date

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from sqlalchemy import func, select
from wtforms import BooleanField, DateField, SelectField, SelectMultipleField, StringField, SubmitField
from wtforms.validators import DataRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from survey.admin import bp
from survey.catalog.models import QuestionnaireFamily, QuestionnaireVersion, versions_of_network
from survey.extensions import db
from survey.network.models import School
from survey.results.operations import close_and_freeze
from survey.rounds.models import PersonalInvitation, RoundState, SurveyLink, SurveyRound
from survey.rounds.operations import (
    PERSONAL_INVITATION_AUDIENCES,
    RoundStateError,
    change_version,
    check_closable,
    check_deletable,
    create_round,
    delete_round,
    ensure_links,
    invite,
    link_url,
    links_csv,
    links_of,
    live_counts,
    open_now,
    parse_email_list,
    reschedule,
    response_counts,
    set_schools,
    versions_for,
)


class CreateRoundForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=200)], description='e.g. "Elevtrivsel 2026"')
    # always holds a choice (the first version is preselected): no `required`, which HTML allows only on a
    # select whose first option is an empty placeholder
    version_id = SelectField("Questionnaire version", coerce=int, validators=[DataRequired()],
                             render_kw={"required": False})
    opens_on = DateField("Opens on", validators=[DataRequired()])
    closes_on = DateField("Closes on (last day)", validators=[DataRequired()])
    school_ids = SelectMultipleField(
        "Schools", coerce=int, option_widget=CheckboxInput(), widget=ListWidget(prefix_label=False)
    )
    past_confirmed = BooleanField("Yes, the round opens on a date in the past")
    submit = SubmitField("Create round")


class RoundActionForm(FlaskForm):
    submit = SubmitField()


class RescheduleForm(FlaskForm):
    opens_on = DateField("Opens on", validators=[DataRequired()])
    closes_on = DateField("Closes on (last day)", validators=[DataRequired()])
    submit = SubmitField("Save the dates")


class ChangeVersionForm(FlaskForm):
    # always holds a choice (the first version is preselected): no `required`, which HTML allows only on a
    # select whose first option is an empty placeholder
    version_id = SelectField("Questionnaire version", coerce=int, validators=[DataRequired()],
                             render_kw={"required": False})
    submit = SubmitField("Change the version")


class RoundSchoolsForm(FlaskForm):
    school_ids = SelectMultipleField(
        "Participating schools", coerce=int, option_widget=CheckboxInput(), widget=ListWidget(prefix_label=False)
    )
    submit = SubmitField("Save the schools")


class ConfirmCloseForm(FlaskForm):
    """The confirmation page's form: only a POST carrying `confirm` closes the round."""

    confirm = SubmitField("Close the round now")


class DeleteRoundForm(FlaskForm):
    """The confirmation page's form: only a POST carrying `confirm` deletes the round."""

    confirm = SubmitField("Delete the round")


class LinksForm(FlaskForm):
    per_program = BooleanField("Also one link per program")
    submit = SubmitField("Create missing links")


class InvitationsForm(FlaskForm):
    school_id = SelectField("School", coerce=int)
    addresses = FileField(
        "List of e-mail addresses (one a line, or CSV with an email column)",
        validators=[FileRequired("Choose a file."), FileAllowed(["csv", "txt"], "Upload a .csv or .txt file.")],
    )
    submit = SubmitField("Send personal invitations")


def _round_or_404(round_id: int) -> SurveyRound:
    survey_round = db.session.get(SurveyRound, round_id)
    if survey_round is None or survey_round.network_id != current_user.network_id:
        abort(404)
    return survey_round


@bp.get("/rounds")
def rounds():
    rows = db.session.scalars(
        select(SurveyRound)
        .where(SurveyRound.network_id == current_user.network_id)
        .order_by(SurveyRound.opens_on.desc(), SurveyRound.id.desc())
    ).all()
    return render_template(
        "rounds/admin_list.html", rounds=rows, counts=response_counts([r.id for r in rows]), today=date.today()
    )


@bp.route("/rounds/new", methods=["GET", "POST"])
def create_round_page():
    form = CreateRoundForm()
    versions = db.session.scalars(
        versions_of_network(current_user.network_id)
        .where(QuestionnaireVersion.withdrawn_at.is_(None))
        .order_by(QuestionnaireFamily.key, QuestionnaireVersion.published_at)
    ).all()
    schools = current_user.network.schools
    form.version_id.choices = [(v.id, f"{v.label} — {v.title.get('da', '')}") for v in versions]
    form.school_ids.choices = [(s.id, f"{s.code} — {s.name}") for s in schools]
    if not form.is_submitted():
        form.school_ids.data = [s.id for s in schools]
    if not form.validate_on_submit():
        return render_template("rounds/admin_new.html", form=form), (422 if form.errors else 200)
    chosen = [s for s in schools if s.id in set(form.school_ids.data or ())]
    version = db.session.get(QuestionnaireVersion, form.version_id.data)
    try:
        created = create_round(
            current_user.network, version, form.name.data, form.opens_on.data, form.closes_on.data, chosen,
            past_confirmed=form.past_confirmed.data,
        )
    except RoundStateError as error:
        if error.field == "opens_on":
            form.opens_on.errors = [*form.opens_on.errors, str(error)]
            return render_template("rounds/admin_new.html", form=form, ask_past=True), 422
        return render_template("rounds/admin_new.html", form=form, problem=str(error)), 422
    db.session.commit()
    flash(f"Created round '{created.name}'.", "success")
    return redirect(url_for("admin.round_detail", round_id=created.id))


@bp.get("/rounds/<int:round_id>")
def round_detail(round_id: int):
    survey_round = _round_or_404(round_id)
    links = db.session.scalars(links_of(survey_round)).all()
    invitation_form = None
    invitations = {}
    if survey_round.version.family.audience in PERSONAL_INVITATION_AUDIENCES:
        invitation_form = InvitationsForm()
        invitation_form.school_id.choices = [(s.id, f"{s.code} — {s.name}") for s in survey_round.schools]
        invitations = dict(
            db.session.execute(
                select(PersonalInvitation.school_id, func.count())
                .where(PersonalInvitation.round_id == survey_round.id)
                .group_by(PersonalInvitation.school_id)
            ).all()
        )
    return render_template(
        "rounds/admin_detail.html",
        round=survey_round,
        state=survey_round.state_on(date.today()),
        states=RoundState,
        links=links,
        link_url=link_url,
        counts=live_counts(survey_round),
        action_form=RoundActionForm(),
        links_form=LinksForm(),
        invitation_form=invitation_form,
        invitations=invitations,
    )


@bp.post("/rounds/<int:round_id>/open")
def open_round(round_id: int):
    survey_round = _round_or_404(round_id)
    if not RoundActionForm().validate_on_submit():
        abort(400)
    try:
        open_now(survey_round)
    except RoundStateError as error:
        flash(str(error), "error")
    else:
        db.session.commit()
        flash(f"Opened '{survey_round.name}'.", "success")
    return redirect(url_for("admin.round_detail", round_id=survey_round.id))


@bp.route("/rounds/<int:round_id>/close", methods=["GET", "POST"])
def close_round(round_id: int):
    """The "Close now" button asks first, since a closed round is never reopened: GET shows the confirmation,
    a POST with `confirm` closes the round and freezes its results at once."""
    survey_round = _round_or_404(round_id)
    form = ConfirmCloseForm()
    if request.method == "POST" and not form.validate_on_submit():
        abort(400)
    try:
        check_closable(survey_round)
        if form.confirm.data:
            frozen = close_and_freeze(survey_round)
    except RoundStateError as error:
        flash(str(error), "error")
        return redirect(url_for("admin.round_detail", round_id=survey_round.id))
    if not form.confirm.data:
        return render_template("rounds/admin_confirm_close.html", round=survey_round, form=form,
                               responses=response_counts([survey_round.id]).get(survey_round.id, 0))
    db.session.commit()
    flash(f"Closed '{survey_round.name}': no answer is accepted from today, and its results are frozen "
          f"({frozen.responses} responses).", "success")
    return redirect(url_for("admin.round_detail", round_id=survey_round.id))


@bp.post("/rounds/<int:round_id>/links")
def create_links(round_id: int):
    survey_round = _round_or_404(round_id)
    form = LinksForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        links = ensure_links(survey_round, per_program=form.per_program.data)
    except RoundStateError as error:
        flash(str(error), "error")
    else:
        db.session.commit()
        flash(f"'{survey_round.name}' has {len(links)} links.", "success")
    return redirect(url_for("admin.round_detail", round_id=survey_round.id, _anchor="links"))


@bp.get("/rounds/<int:round_id>/links.csv")
def round_links_csv(round_id: int):
    survey_round = _round_or_404(round_id)
    text = links_csv(survey_round, db.session.scalars(links_of(survey_round)))
    return Response(
        text,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="links-round-{survey_round.id}.csv"'},
    )


@bp.post("/rounds/<int:round_id>/invitations")
def send_invitations(round_id: int):
    survey_round = _round_or_404(round_id)
    if survey_round.version.family.audience not in PERSONAL_INVITATION_AUDIENCES:
        abort(404)
    form = InvitationsForm()
    form.school_id.choices = [(s.id, s.code) for s in survey_round.schools]
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for error in errors:
                flash(error, "error")
        return redirect(url_for("admin.round_detail", round_id=survey_round.id, _anchor="invitations"))
    school = db.session.get(School, form.school_id.data)
    try:
        emails, problems = parse_email_list(form.addresses.data.read().decode("utf-8"))
    except UnicodeDecodeError:
        emails, problems = [], ["the file is not UTF-8 text"]
    if problems:
        flash("Nothing was sent: " + "; ".join(problems), "error")
        return redirect(url_for("admin.round_detail", round_id=survey_round.id, _anchor="invitations"))
    try:
        summary = invite(survey_round, school, emails)
    except RoundStateError as error:
        flash(str(error), "error")
        return redirect(url_for("admin.round_detail", round_id=survey_round.id, _anchor="invitations"))
    db.session.commit()
    message = f"Sent {len(summary.sent)} personal invitations to {school.code}."
    if summary.already_invited:
        message += f" {len(summary.already_invited)} were invited already."
    flash(message, "success")
    if summary.failed:
        flash("Could not send to: " + ", ".join(summary.failed) + " (not invited; try again later).", "error")
    return redirect(url_for("admin.round_detail", round_id=survey_round.id, _anchor="invitations"))


# --- changing a round ------------------------------------------------------------------------------------
# One page with a form per change; each posts to its own view, which shows a refusal at the form's field (or
# above the form) and answers 422, keeping what was typed.


def _edit_forms(survey_round: SurveyRound, submitted: FlaskForm | None = None) -> dict[str, FlaskForm]:
    """The edit page's forms: `submitted` as posted, the others filled from the round."""
    forms = {
        "dates": RescheduleForm(formdata=None, obj=survey_round),
        "version": ChangeVersionForm(formdata=None, version_id=survey_round.version_id),
        "schools": RoundSchoolsForm(formdata=None, school_ids=[s.id for s in survey_round.schools]),
        "delete": DeleteRoundForm(formdata=None),
    }
    for key, form in forms.items():
        if submitted is not None and type(form) is type(submitted):
            forms[key] = submitted
    forms["version"].version_id.choices = _version_choices(survey_round)
    forms["schools"].school_ids.choices = _school_choices()
    return forms


def _version_choices(survey_round: SurveyRound) -> list[tuple[int, str]]:
    return [(v.id, f"{v.label} — {v.title.get('da', '')}") for v in db.session.scalars(versions_for(survey_round))]


def _school_choices() -> list[tuple[int, str]]:
    return [(s.id, f"{s.code} — {s.name}") for s in current_user.network.schools]


def _edit_page(survey_round: SurveyRound, submitted: FlaskForm | None = None, status: int = 200):
    return render_template(
        "rounds/admin_edit.html",
        round=survey_round,
        state=survey_round.state_on(date.today()),
        states=RoundState,
        responses=response_counts([survey_round.id]).get(survey_round.id, 0),
        forms=_edit_forms(survey_round, submitted),
    ), status


def _refused(survey_round: SurveyRound, form: FlaskForm, error: RoundStateError):
    """Show the refusal at its field, or above the form when it concerns the round as a whole."""
    field = {"version": "version_id", "schools": "school_ids"}.get(error.field, error.field)
    if field is not None and field in form:
        form[field].errors = [*form[field].errors, str(error)]
    else:
        form.form_errors.append(str(error))
    return _edit_page(survey_round, form, 422)


def _apply_edit(survey_round: SurveyRound, form, change):
    """The edit forms' one recipe: validate `form`, run `change` (an operation; it returns the success message),
    commit and go back to the round. An invalid form or a refused change shows the edit page again (422)."""
    if not form.validate_on_submit():
        return _edit_page(survey_round, form, 422)
    try:
        message = change()
    except RoundStateError as error:
        return _refused(survey_round, form, error)
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("admin.round_detail", round_id=survey_round.id))


@bp.get("/rounds/<int:round_id>/edit")
def edit_round(round_id: int):
    return _edit_page(_round_or_404(round_id))


@bp.post("/rounds/<int:round_id>/dates")
def reschedule_round(round_id: int):
    survey_round = _round_or_404(round_id)
    form = RescheduleForm()

    def change() -> str:
        reschedule(survey_round, form.opens_on.data, form.closes_on.data)
        return f"'{survey_round.name}' now runs {survey_round.opens_on} – {survey_round.closes_on}."

    return _apply_edit(survey_round, form, change)


@bp.post("/rounds/<int:round_id>/version")
def change_round_version(round_id: int):
    survey_round = _round_or_404(round_id)
    form = ChangeVersionForm()
    form.version_id.choices = _version_choices(survey_round)

    def change() -> str:
        change_version(survey_round, db.session.get(QuestionnaireVersion, form.version_id.data))
        return f"'{survey_round.name}' now runs {survey_round.version.label}."

    return _apply_edit(survey_round, form, change)


@bp.post("/rounds/<int:round_id>/schools")
def change_round_schools(round_id: int):
    survey_round = _round_or_404(round_id)
    form = RoundSchoolsForm()
    form.school_ids.choices = _school_choices()

    def change() -> str:
        chosen = set(form.school_ids.data or ())
        done = set_schools(survey_round, [s for s in current_user.network.schools if s.id in chosen])
        parts = []
        if done.added:
            parts.append("added " + ", ".join(s.code for s in done.added))
        if done.removed:
            parts.append("removed " + ", ".join(s.code for s in done.removed))
        message = f"'{survey_round.name}': " + ("; ".join(parts) if parts else "no change") + "."
        if done.links_deleted or done.invitations_deleted:
            message += (
                f" {done.links_deleted} links and {done.invitations_deleted} personal invitations of the removed"
                " schools were deleted and no longer work."
            )
        return message

    return _apply_edit(survey_round, form, change)


@bp.route("/rounds/<int:round_id>/delete", methods=["GET", "POST"])
def delete_round_page(round_id: int):
    """Deleting asks first: GET shows what goes with the round, a POST with `confirm` deletes it. A round
    that cannot be deleted gets its refusal on the edit page."""
    survey_round = _round_or_404(round_id)
    form = DeleteRoundForm()
    if request.method == "POST" and not form.validate_on_submit():
        abort(400)
    name = survey_round.name
    try:
        check_deletable(survey_round)
        if form.confirm.data:
            delete_round(survey_round)
    except RoundStateError as error:
        return _refused(survey_round, form, error)
    if not form.confirm.data:
        links = db.session.scalar(select(func.count()).where(SurveyLink.round_id == survey_round.id))
        invitations = db.session.scalar(select(func.count()).where(PersonalInvitation.round_id == survey_round.id))
        return render_template("rounds/admin_confirm_delete.html", round=survey_round, form=form, links=links,
                               invitations=invitations)
    db.session.commit()
    flash(f"Deleted round '{name}'.", "success")
    return redirect(url_for("admin.rounds"))
