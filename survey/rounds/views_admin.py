"""Admin pages for rounds: list, create, follow (links, live counts), open/close, change (dates, version,
schools), delete, personal invitations.

Every view with a round in its URL gets it from `_load_round`, the blueprint's one loader: a round of another
network is a 404, exactly like a round that does not exist. Views flash and redirect; the request commits once,
at its end (`survey.portal.end_transaction`).
"""
from __future__ import annotations

from datetime import date

from flask import Response, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import format_date, get_locale, gettext as _, ngettext
from flask_login import current_user
from sqlalchemy import func, select

from survey.audit import record
from survey.catalog.models import QuestionnaireFamily, QuestionnaireVersion, versions_of_network
from survey.catalog.texts import text_in
from survey.extensions import db
from survey.network.models import School
from survey.portal import admin_blueprint, refuse
from survey.portal.forms import PortalForm
from survey.results.operations import close_and_freeze
from survey.rounds.forms import (
    ChangeVersionForm,
    ConfirmCloseForm,
    CreateRoundForm,
    DeleteRoundForm,
    InvitationsForm,
    LinksForm,
    RescheduleForm,
    RoundActionForm,
    RoundSchoolsForm,
)
from survey.rounds.labels import state_label
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

bp = admin_blueprint("rounds_admin", __name__)
bp.add_app_template_filter(state_label, "round_state")


@bp.url_value_preprocessor
def _load_round(_endpoint: str | None, values: dict | None) -> None:
    if values is None or "round_id" not in values:
        return
    survey_round = db.session.get(SurveyRound, values.pop("round_id"))
    if survey_round is None or survey_round.network_id != current_user.network_id:
        abort(404)
    g.round = survey_round


def _to_round(anchor: str | None = None):
    return redirect(url_for("rounds_admin.round_detail", round_id=g.round.id, _anchor=anchor))


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
    form.version_id.choices = [(v.id, f"{v.label} — {text_in(v.title, str(get_locale()))}") for v in versions]
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
    record(current_user, "round.change", f"round {created.name}", {"change": "create"})
    flash(_("Created round '%(name)s'.", name=created.name), "success")
    return redirect(url_for("rounds_admin.round_detail", round_id=created.id))


@bp.get("/rounds/<int:round_id>")
def round_detail():
    survey_round = g.round
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
def open_round():
    if not RoundActionForm().validate_on_submit():
        abort(400)
    try:
        open_now(g.round)
    except RoundStateError as error:
        refuse(str(error))
    else:
        record(current_user, "round.change", f"round {g.round.name}", {"change": "open"})
        flash(_("Opened '%(name)s'.", name=g.round.name), "success")
    return _to_round()


@bp.route("/rounds/<int:round_id>/close", methods=["GET", "POST"])
def close_round():
    """The "Close now" button asks first, since a closed round is never reopened: GET shows the confirmation,
    a POST with `confirm` closes the round and freezes its results at once."""
    survey_round = g.round
    form = ConfirmCloseForm()
    if request.method == "POST" and not form.validate_on_submit():
        abort(400)
    try:
        check_closable(survey_round)
        if form.confirm.data:
            frozen = close_and_freeze(survey_round)
    except RoundStateError as error:
        refuse(str(error))
        return _to_round()
    if not form.confirm.data:
        return render_template("rounds/admin_confirm_close.html", round=survey_round, form=form,
                               responses=response_counts([survey_round.id]).get(survey_round.id, 0))
    record(current_user, "round.change", f"round {survey_round.name}", {"change": "close"})
    flash(ngettext("Closed '%(name)s': no answer is accepted from today, and its results are frozen "
                   "(%(num)d response).",
                   "Closed '%(name)s': no answer is accepted from today, and its results are frozen "
                   "(%(num)d responses).", frozen.responses, name=survey_round.name), "success")
    return _to_round()


@bp.post("/rounds/<int:round_id>/links")
def create_links():
    form = LinksForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        links = ensure_links(g.round, per_program=form.per_program.data)
    except RoundStateError as error:
        refuse(str(error))
    else:
        flash(ngettext("'%(name)s' has %(num)d link.", "'%(name)s' has %(num)d links.", len(links),
                       name=g.round.name), "success")
    return _to_round("links")


@bp.get("/rounds/<int:round_id>/links.csv")
def round_links_csv():
    text = links_csv(g.round, db.session.scalars(links_of(g.round)))
    return Response(
        text,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="links-round-{g.round.id}.csv"'},
    )


@bp.post("/rounds/<int:round_id>/invitations")
def send_invitations():
    survey_round = g.round
    if survey_round.version.family.audience not in PERSONAL_INVITATION_AUDIENCES:
        abort(404)
    form = InvitationsForm()
    form.school_id.choices = [(s.id, s.code) for s in survey_round.schools]
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for error in errors:
                flash(error, "error")
        return _to_round("invitations")
    school = db.session.get(School, form.school_id.data)
    try:
        emails, problems = parse_email_list(form.addresses.data.read().decode("utf-8"))
    except UnicodeDecodeError:
        emails, problems = [], [_("the file is not UTF-8 text")]
    if problems:
        refuse(_("Nothing was sent: %(problems)s", problems="; ".join(problems)))
        return _to_round("invitations")
    try:
        summary = invite(survey_round, school, emails)
    except RoundStateError as error:
        refuse(str(error))
        return _to_round("invitations")
    message = ngettext("Queued %(num)d personal invitation to %(school)s: it goes out within a minute.",
                       "Queued %(num)d personal invitations to %(school)s: they go out at a steady pace from "
                       "the next minute.",
                       len(summary.queued), school=school.code)
    if summary.already_invited:
        message += " " + ngettext("%(num)d was invited already.", "%(num)d were invited already.",
                                  len(summary.already_invited))
    if summary.unsubscribed:
        message += " " + ngettext("%(num)d address asked for no more mail and was left out.",
                                  "%(num)d addresses asked for no more mail and were left out.", summary.unsubscribed)
    record(current_user, "round.change", f"round {survey_round.name}",
           {"change": "invitations", "school": school.code, "queued": len(summary.queued)})  # counts, no address
    flash(message, "success")
    return _to_round("invitations")


# --- changing a round ------------------------------------------------------------------------------------
# One page with a form per change; each posts to its own view, which shows a refusal at the form's field (or
# above the form) and answers 422, keeping what was typed.


def _edit_forms(survey_round: SurveyRound, submitted: PortalForm | None = None) -> dict[str, PortalForm]:
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
    return [(v.id, f"{v.label} — {text_in(v.title, str(get_locale()))}") for v in db.session.scalars(versions_for(survey_round))]


def _school_choices() -> list[tuple[int, str]]:
    return [(s.id, f"{s.code} — {s.name}") for s in current_user.network.schools]


def _edit_page(submitted: PortalForm | None = None, status: int = 200):
    survey_round = g.round
    return render_template(
        "rounds/admin_edit.html",
        round=survey_round,
        state=survey_round.state_on(date.today()),
        states=RoundState,
        responses=response_counts([survey_round.id]).get(survey_round.id, 0),
        forms=_edit_forms(survey_round, submitted),
    ), status


def _refused(form: PortalForm, error: RoundStateError):
    """Show the refusal at its field, or above the form when it concerns the round as a whole."""
    field = {"version": "version_id", "schools": "school_ids"}.get(error.field, error.field)
    if field is not None and field in form:
        form[field].errors = [*form[field].errors, str(error)]
    else:
        form.form_errors.append(str(error))
    return _edit_page(form, 422)


def _apply_edit(form, change, what: str):
    """The edit forms' one recipe: validate `form`, run `change` (an operation; it returns the success message),
    and go back to the round (the request commits). An invalid form or a refused change shows the edit page again
    (422, nothing kept)."""
    if not form.validate_on_submit():
        return _edit_page(form, 422)
    try:
        message = change()
    except RoundStateError as error:
        return _refused(form, error)
    record(current_user, "round.change", f"round {g.round.name}", {"change": what})
    flash(message, "success")
    return _to_round()


@bp.get("/rounds/<int:round_id>/edit")
def edit_round():
    return _edit_page()


@bp.post("/rounds/<int:round_id>/dates")
def reschedule_round():
    survey_round = g.round
    form = RescheduleForm()

    def change() -> str:
        reschedule(survey_round, form.opens_on.data, form.closes_on.data)
        return _("'%(name)s' now runs %(opens)s – %(closes)s.", name=survey_round.name,
                 opens=format_date(survey_round.opens_on), closes=format_date(survey_round.closes_on))

    return _apply_edit(form, change, "dates")


@bp.post("/rounds/<int:round_id>/version")
def change_round_version():
    survey_round = g.round
    form = ChangeVersionForm()
    form.version_id.choices = _version_choices(survey_round)

    def change() -> str:
        change_version(survey_round, db.session.get(QuestionnaireVersion, form.version_id.data))
        return _("'%(name)s' now runs %(version)s.", name=survey_round.name, version=survey_round.version.label)

    return _apply_edit(form, change, "version")


@bp.post("/rounds/<int:round_id>/schools")
def change_round_schools():
    survey_round = g.round
    form = RoundSchoolsForm()
    form.school_ids.choices = _school_choices()

    def change() -> str:
        chosen = set(form.school_ids.data or ())
        done = set_schools(survey_round, [s for s in current_user.network.schools if s.id in chosen])
        parts = []
        if done.added:
            parts.append(_("added %(codes)s", codes=", ".join(s.code for s in done.added)))
        if done.removed:
            parts.append(_("removed %(codes)s", codes=", ".join(s.code for s in done.removed)))
        message = _("'%(name)s': %(changes)s.", name=survey_round.name,
                    changes="; ".join(parts) if parts else _("no change"))
        if done.links_deleted or done.invitations_deleted:
            message += " " + _("%(links)d links and %(invitations)d personal invitations of the removed schools "
                               "were deleted and no longer work.", links=done.links_deleted,
                               invitations=done.invitations_deleted)
        return message

    return _apply_edit(form, change, "schools")


@bp.route("/rounds/<int:round_id>/delete", methods=["GET", "POST"])
def delete_round_page():
    """Deleting asks first: GET shows what goes with the round, a POST with `confirm` deletes it. A round
    that cannot be deleted gets its refusal on the edit page."""
    survey_round = g.round
    form = DeleteRoundForm()
    if request.method == "POST" and not form.validate_on_submit():
        abort(400)
    name = survey_round.name
    try:
        check_deletable(survey_round)
        if form.confirm.data:
            delete_round(survey_round)
    except RoundStateError as error:
        return _refused(form, error)
    if not form.confirm.data:
        links = db.session.scalar(select(func.count()).where(SurveyLink.round_id == survey_round.id))
        invitations = db.session.scalar(select(func.count()).where(PersonalInvitation.round_id == survey_round.id))
        return render_template("rounds/admin_confirm_delete.html", round=survey_round, form=form, links=links,
                               invitations=invitations)
    record(current_user, "round.change", f"round {name}", {"change": "delete"})
    flash(_("Deleted round '%(name)s'.", name=name), "success")
    return redirect(url_for("rounds_admin.rounds"))
