"""A school's staff and its benchlearning requests: the partner lists they start from, the requests received and
sent, and each request's page with its notes and the steps the reader's school may take.

The one loader resolves a request through `survey.partnering.access.request_for` (a request of other schools is a
404, as is any request for a network admin) and a round to one the staff member's school took part in.
"""
from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, url_for
from flask_babel import format_date, get_locale, gettext as _
from flask_login import current_user

from survey.extensions import db
from survey.partnering import operations
from survey.partnering.access import request_for, requests_visible_to
from survey.partnering.forms import AcceptForm, ActionForm, AskForm, DeclineForm, MeetingForm, NoteForm
from survey.partnering.labels import (
    counterpart,
    dimension_title,
    meeting_choices,
    meeting_label,
    status_label,
    stored_kind,
    viewer_kind,
)
from survey.partnering.models import BenchlearningRequest
from survey.portal import refuse, staff_blueprint
from survey.reporting.format import format_index
from survey.rounds.models import SurveyRound

bp = staff_blueprint("partnering", __name__)


@bp.url_value_preprocessor
def _load(_endpoint, values) -> None:
    if not values:
        return
    if "request_id" in values:
        g.request = request_for(current_user, values.pop("request_id"))
    if "round_id" in values:
        survey_round = db.session.get(SurveyRound, values.pop("round_id"))
        if survey_round is None or current_user.school not in survey_round.schools:
            abort(404)
        g.round = survey_round


def _language() -> str:
    return str(get_locale() or "da")


@bp.get("/partners")
def partners():
    school = current_user.school
    return render_template("partnering/partners.html", school=school,
                           rounds=operations.partner_lists(school, _language()), form=AskForm(formdata=None),
                           format_index=format_index, language=_language(), status_label=status_label)


@bp.post("/partners/<int:round_id>/ask")
def ask():
    form = AskForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        request = operations.send_request(current_user, g.round, form.dimension.data, form.partner.data,
                                          form.message.data or "", form.reveal.data)
    except operations.RequestRefused as refused:
        refuse(str(refused))
        return redirect(url_for(".partners"))
    flash(_("Your request was sent. You will be notified when the partner school answers."), "success")
    return redirect(url_for(".request_page", request_id=request.id))


@bp.get("/requests")
def requests():
    school = current_user.school
    visible = db.session.scalars(requests_visible_to(current_user).order_by(
        BenchlearningRequest.created_at.desc(), BenchlearningRequest.id.desc())).all()
    rows = [_summary(request) for request in visible]
    return render_template("partnering/requests.html", school=school,
                           received=[row for row in rows if not row["sent"]],
                           sent=[row for row in rows if row["sent"]])


def _summary(request: BenchlearningRequest) -> dict:
    school_id = current_user.school_id
    return {"id": request.id, "sent": request.from_school_id == school_id,
            "other": counterpart(request, school_id), "status": status_label(request.status),
            "dimension": dimension_title(request.round, request.dimension, _language()),
            "round": request.round.name, "created_at": request.created_at}


@bp.get("/requests/<int:request_id>")
def request_page():
    return _request_page(g.request)


def _request_page(request: BenchlearningRequest, status: int = 200, **forms):
    school_id = current_user.school_id
    requester = request.from_school_id == school_id
    revealed = request.identities_revealed()
    own_reveals = request.from_reveals if requester else request.to_reveals
    other_reveals = request.to_reveals if requester else request.from_reveals
    meeting_form = forms.get("meeting_form") or MeetingForm(
        formdata=None, on=request.meeting_on, kind=viewer_kind(request.meeting_kind, requester),
        note=request.meeting_note)
    meeting_form.kind.choices = meeting_choices()
    contact = None
    if revealed:
        user = request.answered_by if requester else request.created_by
        contact = user.email if user is not None and user.active else None
    notes = [{"mine": note.school_id == school_id, "body": note.body, "created_at": note.created_at,
              "author": (note.author.email if note.school_id == school_id and note.author is not None else None)}
             for note in request.notes]
    may = operations.allowed_steps(request, current_user)
    return render_template(
        "partnering/request.html", req=request, requester=requester, revealed=revealed,
        own_reveals=own_reveals, other_reveals=other_reveals, shares_names=request.network.share_school_names,
        other=counterpart(request, school_id), own_school=current_user.school, contact=contact, notes=notes,
        status=status_label(request.status),
        dimension=dimension_title(request.round, request.dimension, _language()),
        meeting=(meeting_label(request.meeting_kind, requester), format_date(request.meeting_on, "long"))
        if request.meeting_on else None,
        may=may, accept_form=forms.get("accept_form") or AcceptForm(formdata=None),
        decline_form=forms.get("decline_form") or DeclineForm(formdata=None), action_form=ActionForm(formdata=None),
        meeting_form=meeting_form, note_form=forms.get("note_form") or NoteForm(formdata=None),
    ), status


def _step(action, success: str):
    """Run a step on the loaded request; a refused step is flashed and rolled back. Back to the request."""
    try:
        action()
    except operations.RequestRefused as refused:
        refuse(str(refused))
    else:
        flash(success, "success")
    return redirect(url_for(".request_page", request_id=g.request.id))


@bp.post("/requests/<int:request_id>/accept")
def accept():
    form = AcceptForm()
    if not form.validate_on_submit():
        abort(400)
    return _step(lambda: operations.accept(current_user, g.request, form.reveal.data),
                 _("You accepted the request. Plan the visit or meeting below."))


@bp.post("/requests/<int:request_id>/decline")
def decline():
    form = DeclineForm()
    if not form.validate_on_submit():
        return _request_page(g.request, 422, decline_form=form)
    return _step(lambda: operations.decline(current_user, g.request, form.reason.data or ""),
                 _("You declined the request."))


@bp.post("/requests/<int:request_id>/withdraw")
def withdraw():
    if not ActionForm().validate_on_submit():
        abort(400)
    return _step(lambda: operations.withdraw(current_user, g.request), _("You withdrew the request."))


@bp.post("/requests/<int:request_id>/meeting")
def plan_meeting():
    form = MeetingForm()
    form.kind.choices = meeting_choices()
    if not form.validate_on_submit():
        return _request_page(g.request, 422, meeting_form=form)
    requester = g.request.from_school_id == current_user.school_id
    return _step(lambda: operations.plan_meeting(current_user, g.request, form.on.data,
                                                 stored_kind(form.kind.data, requester), form.note.data or ""),
                 _("The visit or meeting is saved; the partner school is notified."))


@bp.post("/requests/<int:request_id>/complete")
def complete():
    if not ActionForm().validate_on_submit():
        abort(400)
    return _step(lambda: operations.complete(current_user, g.request), _("The request is marked as completed."))


@bp.post("/requests/<int:request_id>/reveal")
def reveal():
    if not ActionForm().validate_on_submit():
        abort(400)
    return _step(lambda: operations.reveal(current_user, g.request),
                 _("Your school agreed to show its name. Both names are shown once the other school agrees too."))


@bp.post("/requests/<int:request_id>/notes")
def add_note():
    form = NoteForm()
    if not form.validate_on_submit():
        return _request_page(g.request, 422, note_form=form)
    return _step(lambda: operations.add_note(current_user, g.request, form.body.data), _("Your note was added."))

