"""Admin pages for rounds: list, create, follow (links, live counts), open/close, personal invitations."""
from __future__ import annotations

from datetime import date

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from sqlalchemy import func, select
from wtforms import BooleanField, DateField, SelectField, SelectMultipleField, StringField, SubmitField
from wtforms.validators import DataRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from survey.admin import bp
from survey.catalog.models import QuestionnaireFamily, QuestionnaireVersion
from survey.extensions import db
from survey.network.models import School
from survey.rounds.models import PersonalInvitation, RoundState, SurveyRound
from survey.rounds.operations import (
    PERSONAL_INVITATION_FAMILIES,
    RoundStateError,
    close_now,
    create_round,
    ensure_links,
    invite,
    link_url,
    links_csv,
    links_of,
    live_counts,
    open_now,
    parse_email_list,
    response_counts,
)


class CreateRoundForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=200)], description='e.g. "Elevtrivsel 2026"')
    version_id = SelectField("Questionnaire version", coerce=int, validators=[DataRequired()])
    opens_on = DateField("Opens on", validators=[DataRequired()])
    closes_on = DateField("Closes on (last day)", validators=[DataRequired()])
    school_ids = SelectMultipleField(
        "Schools", coerce=int, option_widget=CheckboxInput(), widget=ListWidget(prefix_label=False)
    )
    submit = SubmitField("Create round")


class RoundActionForm(FlaskForm):
    submit = SubmitField()


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
        select(QuestionnaireVersion)
        .join(QuestionnaireFamily)
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
            current_user.network, version, form.name.data, form.opens_on.data, form.closes_on.data, chosen
        )
    except RoundStateError as error:
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
    if survey_round.version.family.key in PERSONAL_INVITATION_FAMILIES:
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
    return _transition(round_id, open_now, "Opened")


@bp.post("/rounds/<int:round_id>/close")
def close_round(round_id: int):
    return _transition(round_id, close_now, "Closed")


def _transition(round_id: int, operation, done: str):
    survey_round = _round_or_404(round_id)
    if not RoundActionForm().validate_on_submit():
        abort(400)
    try:
        operation(survey_round)
    except RoundStateError as error:
        flash(str(error), "error")
    else:
        db.session.commit()
        flash(f"{done} '{survey_round.name}'.", "success")
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
    if survey_round.version.family.key not in PERSONAL_INVITATION_FAMILIES:
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
