"""The network learning view for admins (/admin/learning): one closed round of a questionnaire family at a time,
by default the latest closed round of the first family; its CSV and its PDF for the network's annual meeting.

The loader answers 404 for a round of another network or one that has not closed; school staff never reach
the blueprint (the admin role check answers 403 first). The downloads are recorded in the audit log.
"""
from __future__ import annotations

import io
from datetime import date

from flask import abort, current_app, g, redirect, render_template, request, send_file, url_for
from flask_login import current_user

from survey.audit import record
from survey.extensions import db
from survey.learning.layout import learning_context
from survey.learning.view import closed_rounds_by_family, learning_inputs, learning_table
from survey.portal import admin_blueprint
from survey.results.dashboard.page import page_language
from survey.results.downloads import attachment, slug
from survey.results.export import MEDIA_TYPES, table_bytes
from survey.results.preparing import preparing_page
from survey.results.service import ResultsNotReady
from survey.rounds.models import RoundState, SurveyRound

bp = admin_blueprint("learning_admin", __name__)
CARD_PAGE = "practices_admin.show_card"  # the practice library's card page for admins (survey/practices)


@bp.url_value_preprocessor
def _load_round(_endpoint, values) -> None:
    if values and "round_id" in values:
        survey_round = db.session.get(SurveyRound, values.pop("round_id"))
        if (survey_round is None or survey_round.network_id != current_user.network_id
                or survey_round.state_on(date.today()) is not RoundState.CLOSED):
            abort(404)
        g.round = survey_round


@bp.get("/learning/")
def index():
    """The picker's target (`?round=`), else the default round's view: the latest closed round of the first
    family (families by key)."""
    rounds = closed_rounds_by_family(current_user.network_id, date.today())
    picked = request.args.get("round", type=int)
    if picked is not None:
        if not any(r.id == picked for family in rounds.values() for r in family):
            abort(404)
        return redirect(url_for(".round_view", round_id=picked))
    if not rounds:
        return render_template("learning/admin_view.html", c=None, rounds=rounds, survey_round=None)
    return _view(next(iter(rounds.values()))[0], rounds)


@bp.get("/learning/<int:round_id>/")
def round_view():
    return _view(g.round, closed_rounds_by_family(current_user.network_id, date.today()))


def _view(survey_round: SurveyRound, rounds: dict[str, list[SurveyRound]]):
    try:
        inputs = learning_inputs(survey_round, page_language())
    except ResultsNotReady as not_ready:
        return preparing_page(not_ready)
    context = learning_context(inputs)
    return render_template("learning/admin_view.html", c=context, rounds=rounds, survey_round=survey_round,
                           card_urls=_card_urls(card["id"] for dim in context["practices"] for card in dim["cards"]))


def _card_urls(ids) -> dict[int, str]:
    """Each shown card's page in the admins' practice library (none while the library is not registered)."""
    if CARD_PAGE not in current_app.view_functions:
        return {}
    return {card_id: url_for(CARD_PAGE, card_id=card_id) for card_id in ids}


@bp.get("/learning/<int:round_id>/learning.csv")
def csv_download():
    try:
        inputs = learning_inputs(g.round, page_language(), all_cards=True)
    except ResultsNotReady as not_ready:
        return preparing_page(not_ready), 409
    record(current_user, "export.learning", f"round {g.round.name}", {"format": "csv"})
    return attachment(table_bytes(learning_table(inputs), "csv"), MEDIA_TYPES["csv"],
                      f"{slug(g.round.name)}-learning.csv", inputs.results_hash)


@bp.get("/learning/<int:round_id>/learning.pdf")
def pdf_download():
    from survey.reporting.pdf import render_learning_report  # WeasyPrint only where a PDF is made

    try:
        inputs = learning_inputs(g.round, page_language())
    except ResultsNotReady as not_ready:
        return preparing_page(not_ready), 409
    payload = render_learning_report(inputs)
    record(current_user, "pdf.download", f"round {g.round.name}", {"report": "learning"})
    return send_file(io.BytesIO(payload), mimetype="application/pdf", as_attachment=True,
                     download_name=f"{slug(g.round.name)}-learning.pdf")
