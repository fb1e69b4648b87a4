"""Pages of the invitation mail: the unsubscribe page and its one-click endpoint (public), and the admin's
invitations page of a round (counts, reminders, re-sending, the reminder schedule, sending progress).

Reminders are the network admin's (this page, `benchlearn round remind`, the schedule): school staff have no
reminder button, so that the people who could guess who answered at their own school are not the ones who pick
when and whom to remind. Nobody sees a per-person state, only counts suppressed below k_min.
"""
from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _, ngettext
from flask_login import current_user
from sqlalchemy import select

from survey.extensions import csrf, db
from survey.invitations.delivery import waiting_count
from survey.invitations.forms import RemindForm, ResendForm, ScheduleForm, UnsubscribeForm
from survey.invitations.jobs import DISPATCH
from survey.invitations.operations import delivery_counts, remind, resend, set_reminder_schedule
from survey.invitations.unsubscribe import read_unsubscribe_token, unsubscribe
from survey.jobs.models import Job
from survey.network.models import Network, School
from survey.portal import admin_blueprint, end_transaction, refuse
from survey.rounds.models import SurveyRound
from survey.rounds.operations import PERSONAL_INVITATION_AUDIENCES, RoundStateError

public_bp = Blueprint("unsubscribe", __name__)
public_bp.after_request(end_transaction)
bp = admin_blueprint("invitations_admin", __name__)


# --- unsubscribing (public) -------------------------------------------------------------------------------


@public_bp.url_value_preprocessor
def _load_token(_endpoint: str | None, values: dict | None) -> None:
    """The signed token is the only authentication (checked here, once); `_refuse_bad_token` answers for a
    forged or damaged one."""
    if values is None or "token" not in values:
        return
    g.unsubscribe_token = values.pop("token")
    read = read_unsubscribe_token(g.unsubscribe_token)
    g.network = db.session.get(Network, read[0]) if read else None
    g.address_hash = read[1] if read else None


@public_bp.before_request
def _refuse_bad_token():
    if g.get("network") is None:
        return render_template("invitations/unsubscribe.html", form=None, network=None, done=False), 404
    return None


@public_bp.get("/unsubscribe/<token>")
def unsubscribe_page():
    """For people: a GET never writes, so a link scanner opening the URL unsubscribes nobody."""
    return render_template("invitations/unsubscribe.html", form=UnsubscribeForm(), network=g.network, done=False)


@public_bp.post("/unsubscribe/<token>/confirm")
def unsubscribe_confirm():
    if not UnsubscribeForm().validate_on_submit():
        abort(400)
    unsubscribe(g.network.id, g.address_hash)
    return render_template("invitations/unsubscribe.html", form=None, network=g.network, done=True)


@public_bp.post("/unsubscribe/<token>")
@csrf.exempt
def one_click():
    """RFC 8058: the mail provider POSTs `List-Unsubscribe=One-Click` without cookies or a CSRF token; the
    signed token in the URL is what authenticates it."""
    unsubscribe(g.network.id, g.address_hash)
    return "", 204


# --- the admin's invitations page of a round ----------------------------------------------------------------


@bp.url_value_preprocessor
def _load_round(_endpoint: str | None, values: dict | None) -> None:
    if values is None or "round_id" not in values:
        return
    survey_round = db.session.get(SurveyRound, values.pop("round_id"))
    if (survey_round is None or survey_round.network_id != current_user.network_id
            or survey_round.version.family.audience not in PERSONAL_INVITATION_AUDIENCES):
        abort(404)
    g.round = survey_round


def _to_page():
    return redirect(url_for("invitations_admin.round_invitations", round_id=g.round.id))


def _remind_form() -> RemindForm:
    form = RemindForm()
    form.school_id.choices = [(0, _("Every school of the round"))] + [
        (s.id, f"{s.code} — {s.name}") for s in g.round.schools]
    return form


def _schedule_form() -> ScheduleForm:
    form = ScheduleForm()
    if not form.is_submitted():
        form.after_days.data = g.round.remind_after_days
        form.before_days.data = g.round.remind_before_days
        form.max_reminders.data = g.round.max_reminders
    return form


def _page(status: int = 200, **forms):
    # the dispatcher is the deployment's (periodic, every network's mail): its state only, not its counts
    latest = select(Job).where(Job.kind == DISPATCH).order_by(Job.id.desc()).limit(1)
    return render_template(
        "invitations/admin_round.html",
        round=g.round,
        counts=delivery_counts(g.round),
        waiting=waiting_count(g.round.id),
        latest_job=db.session.scalar(latest),
        remind_form=forms.get("remind_form") or _remind_form(),
        resend_form=forms.get("resend_form") or ResendForm(),
        schedule_form=forms.get("schedule_form") or _schedule_form(),
    ), status


@bp.get("/rounds/<int:round_id>/mail")
def round_invitations():
    return _page()


@bp.post("/rounds/<int:round_id>/mail/remind")
def send_reminders():
    form = _remind_form()
    if not form.validate_on_submit():
        abort(400)
    school = None
    if form.school_id.data:
        school = db.session.get(School, form.school_id.data)
    try:
        queued = remind(g.round, school, today=date.today())
    except RoundStateError as error:
        refuse(str(error))
        return _to_page()
    flash(ngettext("%(num)d reminder is on its way.", "%(num)d reminders are on their way.", queued), "success")
    return _to_page()


@bp.post("/rounds/<int:round_id>/mail/resend")
def resend_invitation():
    form = ResendForm()
    if not form.validate_on_submit():
        return _page(422, resend_form=form)
    try:
        resend(g.round, form.email.data, today=date.today())
    except RoundStateError as error:
        refuse(str(error))
        return _to_page()
    flash(_("If %(address)s was invited to this round and has not answered yet, a new link is on its way and the "
            "old one no longer works.", address=form.email.data), "success")
    return _to_page()


@bp.post("/rounds/<int:round_id>/mail/schedule")
def save_schedule():
    form = _schedule_form()
    if not form.validate_on_submit():
        return _page(422, schedule_form=form)
    try:
        set_reminder_schedule(g.round, form.after_days.data, form.before_days.data, form.max_reminders.data)
    except RoundStateError as error:
        form.after_days.errors = [*form.after_days.errors, str(error)]
        g.refused = True
        return _page(422, schedule_form=form)
    flash(_("Saved the reminder schedule."), "success")
    return _to_page()
