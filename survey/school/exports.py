"""A school's staff download their own school's aggregates of a round (their rows and the network's)."""
from __future__ import annotations

from datetime import date

from flask import Response, abort
from flask_login import current_user

from survey.extensions import db
from survey.results.export import MEDIA_TYPES, table_bytes
from survey.results.service import ResultsNotReady, round_results
from survey.rounds.models import RoundState, SurveyRound
from survey.school import bp
from survey.school.preparing import preparing_page

STAFF_FORMATS = ("csv", "xlsx")


@bp.get("/rounds/<int:round_id>/aggregates.<fmt>")
def aggregates_download(round_id: int, fmt: str):
    survey_round = db.session.get(SurveyRound, round_id)
    school = current_user.school
    if survey_round is None or fmt not in STAFF_FORMATS or school not in survey_round.schools:
        abort(404)

    if survey_round.state_on(date.today()) is not RoundState.CLOSED:
        abort(404)  # provisional results are for network admins only
    try:
        results = round_results(survey_round).for_school(school.code)
    except ResultsNotReady as not_ready:
        return preparing_page(not_ready), 409
    filename = f"{_slug(survey_round.name)}-{school.code}-aggregates.{fmt}"
    return Response(table_bytes(results.aggregates, fmt, sheet="aggregates"), mimetype=MEDIA_TYPES[fmt],
                    headers={"Content-Disposition": f'attachment; filename="{filename}"',
                             "X-Content-Hash": results.content_hash})


def _slug(name: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in name).strip("-").lower() or "round"
