"""Downloads of a round's aggregates: network admins get every school's rows (an open round's latest daily
snapshot, named provisional with its date), a school's staff their own school's rows and the network's, of a
closed round only.

Each audience has its blueprint and its one loader: a round of another network, or one the staff member's
school is not in (or not closed yet: provisional results are for network admins only), answers 404, exactly
like a round that does not exist.
"""
from __future__ import annotations

from datetime import date

from flask import Response, abort, g
from flask_login import current_user

from survey.audit import record
from survey.extensions import db
from survey.portal import admin_blueprint, staff_blueprint
from survey.results.export import FORMATS, MEDIA_TYPES, table_bytes
from survey.results.preparing import preparing_page
from survey.results.service import ResultsNotReady, round_results
from survey.rounds.models import RoundState, SurveyRound

admin_bp = admin_blueprint("aggregates_admin", __name__)
staff_bp = staff_blueprint("aggregates_staff", __name__)

STAFF_FORMATS = ("csv", "xlsx")


@admin_bp.url_value_preprocessor
def _load_network_round(_endpoint: str | None, values: dict | None) -> None:
    survey_round = db.session.get(SurveyRound, values.pop("round_id"))
    if survey_round is None or survey_round.network_id != current_user.network_id:
        abort(404)
    g.round = survey_round


@staff_bp.url_value_preprocessor
def _load_closed_round_of_my_school(_endpoint: str | None, values: dict | None) -> None:
    survey_round = db.session.get(SurveyRound, values.pop("round_id"))
    if (survey_round is None or current_user.school not in survey_round.schools
            or survey_round.state_on(date.today()) is not RoundState.CLOSED):
        abort(404)
    g.round = survey_round


@admin_bp.get("/rounds/<int:round_id>/aggregates.<fmt>")
def aggregates_download(fmt: str):
    if fmt not in FORMATS:
        abort(404)
    try:
        results = round_results(g.round)
    except ResultsNotReady as not_ready:
        return preparing_page(not_ready), 409
    status = "" if results.frozen else f"-provisional-{results.as_of}"
    record(current_user, "export.aggregates", f"round {g.round.name}", {"format": fmt, "frozen": results.frozen})
    return attachment(table_bytes(results.aggregates, fmt, sheet="aggregates"), MEDIA_TYPES[fmt],
                      f"{slug(g.round.name)}-aggregates{status}.{fmt}", results.content_hash)


@staff_bp.get("/rounds/<int:round_id>/aggregates.<fmt>")
def my_aggregates_download(fmt: str):
    if fmt not in STAFF_FORMATS:
        abort(404)
    school = current_user.school
    try:
        results = round_results(g.round).for_school(school.code)
    except ResultsNotReady as not_ready:
        return preparing_page(not_ready), 409
    record(current_user, "export.aggregates", f"round {g.round.name}", {"format": fmt, "school": school.code})
    return attachment(table_bytes(results.aggregates, fmt, sheet="aggregates"), MEDIA_TYPES[fmt],
                      f"{slug(g.round.name)}-{school.code}-aggregates.{fmt}", results.content_hash)


def attachment(payload: bytes, media_type: str, filename: str, content_hash: str | None = None) -> Response:
    """A file to save, named `filename`; `content_hash` (of frozen or snapshot results) as X-Content-Hash."""
    headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
    if content_hash:
        headers["X-Content-Hash"] = content_hash
    return Response(payload, mimetype=media_type, headers=headers)


def slug(name: str) -> str:
    """A round's name as a file name's part: letters and digits, the rest dashes."""
    return "".join(c if c.isalnum() else "-" for c in name).strip("-").lower() or "round"
