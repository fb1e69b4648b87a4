"""Staff pages for their school's rounds: links with QR codes and posters, populations, live counts.

Every view loads the round through `_round_of_my_school`: a round that does not include the staff member's
school is a 404, as is a link or program of another school.
"""
from __future__ import annotations

from datetime import date

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, SubmitField

from survey.catalog.operations import definition_of
from survey.extensions import db
from survey.rounds.models import RoundState, SurveyLink, SurveyRound
from survey.rounds.operations import (
    RoundStateError,
    ensure_links,
    link_url,
    links_csv,
    links_of,
    counts_for_staff,
    live_counts,
    populations_of,
    rounds_of_school,
    update_populations,
    whole_number,
)
from survey.rounds.qr import qr_svg
from survey.school import bp

MAX_POPULATION = 1_000_000


class StaffLinksForm(FlaskForm):
    per_program = BooleanField("One link per program (the program is then known without asking)")
    submit = SubmitField("Create links")


class PopulationForm(FlaskForm):
    """CSRF only: the sizes arrive as `population-<program id>` fields, one per program of the school."""

    submit = SubmitField("Save populations")


def _round_of_my_school(round_id: int) -> SurveyRound:
    survey_round = db.session.get(SurveyRound, round_id)
    if survey_round is None or current_user.school not in survey_round.schools:
        abort(404)
    return survey_round


def _link_of_my_school(survey_round: SurveyRound, link_id: int) -> SurveyLink:
    link = db.session.get(SurveyLink, link_id)
    if link is None or link.round_id != survey_round.id or link.school_id != current_user.school_id:
        abort(404)
    return link


@bp.get("/rounds")
def my_rounds():
    school = current_user.school
    rounds = db.session.scalars(rounds_of_school(school.id)).all()
    totals = {r.id: counts_for_staff(live_counts(r, school)[0], school.network.k_min) for r in rounds}
    return render_template("rounds/school_list.html", school=school, rounds=rounds, totals=totals, today=date.today())


@bp.get("/rounds/<int:round_id>")
def my_round(round_id: int):
    survey_round = _round_of_my_school(round_id)
    school = current_user.school
    state = survey_round.state_on(date.today())
    return render_template(
        "rounds/school_detail.html",
        round=survey_round,
        school=school,
        state=state,
        states=RoundState,
        links=db.session.scalars(links_of(survey_round, school)).all(),
        link_url=link_url,
        counts=[counts_for_staff(entry, school.network.k_min) for entry in live_counts(survey_round, school)],
        populations=populations_of(survey_round),
        links_form=StaffLinksForm(),
        population_form=PopulationForm(),
    )


@bp.post("/rounds/<int:round_id>/links")
def make_my_links(round_id: int):
    survey_round = _round_of_my_school(round_id)
    form = StaffLinksForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        ensure_links(survey_round, current_user.school, per_program=form.per_program.data)
    except RoundStateError as error:
        flash(str(error), "error")
    else:
        db.session.commit()
        flash("Your links are ready.", "success")
    return redirect(url_for("school.my_round", round_id=survey_round.id, _anchor="links"))


@bp.get("/rounds/<int:round_id>/links.csv")
def my_links_csv(round_id: int):
    survey_round = _round_of_my_school(round_id)
    school = current_user.school
    text = links_csv(survey_round, db.session.scalars(links_of(survey_round, school)))
    return Response(
        text,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="links-{school.code}-round-{survey_round.id}.csv"'},
    )


@bp.get("/rounds/<int:round_id>/links/<int:link_id>/qr.svg")
def link_qr(round_id: int, link_id: int):
    link = _link_of_my_school(_round_of_my_school(round_id), link_id)
    response = Response(qr_svg(link_url(link.token)), mimetype="image/svg+xml")
    response.headers["Content-Disposition"] = f'inline; filename="qr-{link.school.code}-{link.id}.svg"'
    return response


@bp.get("/rounds/<int:round_id>/links/<int:link_id>/poster")
def link_poster(round_id: int, link_id: int):
    survey_round = _round_of_my_school(round_id)
    link = _link_of_my_school(survey_round, link_id)
    definition = definition_of(survey_round.version)
    return render_template(
        "rounds/poster.html", round=survey_round, link=link, url=link_url(link.token), definition=definition
    )


@bp.post("/rounds/<int:round_id>/population")
def save_population(round_id: int):
    survey_round = _round_of_my_school(round_id)
    if not PopulationForm().validate_on_submit():
        abort(400)
    programs = {program.id: program for program in current_user.school.programs}
    sizes: dict[int, int | None] = {}
    problems = []
    for name, raw in request.form.items():
        if not name.startswith("population-"):
            continue
        program_id = whole_number(name.removeprefix("population-"))
        program = programs.get(program_id) if program_id is not None else None
        if program is None:
            abort(404)  # another school's program, or none at all
        raw = raw.strip()
        size = whole_number(raw)
        if not raw:
            sizes[program.id] = None
        elif size is not None and size <= MAX_POPULATION:
            sizes[program.id] = size
        else:
            problems.append(f"{program.name}: give a whole number from 0 to {MAX_POPULATION:,}, not '{raw}'.")
    if not problems:
        try:
            update_populations(survey_round, current_user.school, sizes, date.today())
        except RoundStateError as error:
            problems.append(str(error))
        else:
            db.session.commit()
            flash("Populations saved.", "success")
            return redirect(url_for("school.my_round", round_id=survey_round.id, _anchor="population"))
    for problem in problems:
        flash(problem, "error")
    closed = survey_round.state_on(date.today()) is RoundState.CLOSED
    return my_round(round_id), 409 if closed else 422  # the page again, the message at its top
