"""Staff pages for their school's rounds: links with QR codes and posters, populations, live counts.

The blueprint's one loader, `_load_round`, loads the round in the URL and the link in it: a round that does
not include the staff member's school is a 404, as is a link or program of another school.
"""
from __future__ import annotations

from datetime import date

from flask import Response, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import force_locale, format_decimal, gettext as _
from flask_login import current_user

from survey.catalog.operations import definition_of
from survey.extensions import db
from survey.portal import refuse, staff_blueprint
from survey.respond.language import interface_language
from survey.rounds.forms import PopulationForm, StaffLinksForm
from survey.rounds.labels import state_label
from survey.rounds.models import RoundState, SurveyLink, SurveyRound
from survey.rounds.operations import (
    RoundStateError,
    counts_for_staff,
    ensure_links,
    link_url,
    links_csv,
    links_of,
    live_counts,
    populations_of,
    rounds_of_school,
    update_populations,
    whole_number,
)
from survey.rounds.qr import qr_svg

bp = staff_blueprint("rounds_staff", __name__)
bp.add_app_template_filter(state_label, "round_state")

MAX_POPULATION = 1_000_000


@bp.url_value_preprocessor
def _load_round(_endpoint: str | None, values: dict | None) -> None:
    if values is None or "round_id" not in values:
        return
    survey_round = db.session.get(SurveyRound, values.pop("round_id"))
    if survey_round is None or current_user.school not in survey_round.schools:
        abort(404)
    g.round = survey_round
    if "link_id" in values:
        link = db.session.get(SurveyLink, values.pop("link_id"))
        if link is None or link.round_id != survey_round.id or link.school_id != current_user.school_id:
            abort(404)
        g.link = link


@bp.get("/rounds")
def my_rounds():
    school = current_user.school
    rounds = db.session.scalars(rounds_of_school(school.id)).all()
    totals = {r.id: counts_for_staff(live_counts(r, school)[0], school.network.k_min) for r in rounds}
    return render_template("rounds/school_list.html", school=school, rounds=rounds, totals=totals, today=date.today())


def _round_page(status: int = 200):
    survey_round = g.round
    school = current_user.school
    return render_template(
        "rounds/school_detail.html",
        round=survey_round,
        school=school,
        state=survey_round.state_on(date.today()),
        states=RoundState,
        links=db.session.scalars(links_of(survey_round, school)).all(),
        link_url=link_url,
        counts=[counts_for_staff(entry, school.network.k_min) for entry in live_counts(survey_round, school)],
        populations=populations_of(survey_round),
        links_form=StaffLinksForm(),
        population_form=PopulationForm(),
    ), status


@bp.get("/rounds/<int:round_id>")
def my_round():
    return _round_page()


@bp.post("/rounds/<int:round_id>/links")
def make_my_links():
    form = StaffLinksForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        ensure_links(g.round, current_user.school, per_program=form.per_program.data)
    except RoundStateError as error:
        refuse(str(error))
    else:
        flash(_("Your links are ready."), "success")
    return redirect(url_for("rounds_staff.my_round", round_id=g.round.id, _anchor="links"))


@bp.get("/rounds/<int:round_id>/links.csv")
def my_links_csv():
    school = current_user.school
    text = links_csv(g.round, db.session.scalars(links_of(g.round, school)))
    return Response(
        text,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="links-{school.code}-round-{g.round.id}.csv"'},
    )


@bp.get("/rounds/<int:round_id>/links/<int:link_id>/qr.svg")
def link_qr():
    link = g.link
    response = Response(qr_svg(link_url(link.token)), mimetype="image/svg+xml")
    response.headers["Content-Disposition"] = f'inline; filename="qr-{link.school.code}-{link.id}.svg"'
    return response


@bp.get("/rounds/<int:round_id>/links/<int:link_id>/poster")
def link_poster():
    """A poster for respondents: in the questionnaire's own language where the portal has it, whatever the
    staff member reads the portal in."""
    definition = definition_of(g.round.version)
    with force_locale(interface_language(definition.default_language)):
        return render_template("rounds/poster.html", round=g.round, link=g.link, url=link_url(g.link.token),
                               definition=definition)


@bp.post("/rounds/<int:round_id>/population")
def save_population():
    survey_round = g.round
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
            problems.append(_("%(program)s: give a whole number from 0 to %(most)s, not '%(given)s'.",
                              program=program.name, most=format_decimal(MAX_POPULATION), given=raw))
    if not problems:
        try:
            update_populations(survey_round, current_user.school, sizes, date.today())
        except RoundStateError as error:
            problems.append(str(error))
        else:
            flash(_("Populations saved."), "success")
            return redirect(url_for("rounds_staff.my_round", round_id=survey_round.id, _anchor="population"))
    for problem in problems:
        flash(problem, "error")
    closed = survey_round.state_on(date.today()) is RoundState.CLOSED
    return _round_page(409 if closed else 422)  # the page again, the message at its top
