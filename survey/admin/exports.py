"""Network admins download a round's aggregates (all schools) or its responses; while a round is open, its
latest daily snapshot, named provisional with its date."""
from __future__ import annotations

from flask import Response, abort
from flask_login import current_user

from survey.extensions import db
from survey.results.export import FORMATS, MEDIA_TYPES, responses_table, table_bytes
from survey.results.service import ResultsNotReady, round_results
from survey.admin import bp
from survey.rounds.models import SurveyRound
from survey.school.exports import _slug
from survey.school.preparing import preparing_page


def _round_or_404(round_id: int, fmt: str) -> SurveyRound:
    """The round, when it is one of the admin's own network (another network's answers 404, exactly like a
    round that does not exist), in a format we write."""
    survey_round = db.session.get(SurveyRound, round_id)
    if survey_round is None or survey_round.network_id != current_user.network_id or fmt not in FORMATS:
        abort(404)
    return survey_round


@bp.get("/rounds/<int:round_id>/aggregates.<fmt>")
def aggregates_download(round_id: int, fmt: str):
    survey_round = _round_or_404(round_id, fmt)
    try:
        results = round_results(survey_round)
    except ResultsNotReady as not_ready:
        return preparing_page(not_ready), 409
    status = "" if results.frozen else f"-provisional-{results.as_of}"
    return _download(table_bytes(results.aggregates, fmt, sheet="aggregates"), fmt,
                     f"{_slug(survey_round.name)}-aggregates{status}.{fmt}", results.content_hash)


@bp.get("/rounds/<int:round_id>/responses.<fmt>")
def responses_download(round_id: int, fmt: str):
    survey_round = _round_or_404(round_id, fmt)
    return _download(table_bytes(responses_table(survey_round), fmt, sheet="responses"), fmt,
                     f"{_slug(survey_round.name)}-responses.{fmt}")


def _download(payload: bytes, fmt: str, filename: str, content_hash: str | None = None) -> Response:
    headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
    if content_hash:
        headers["X-Content-Hash"] = content_hash
    return Response(payload, mimetype=MEDIA_TYPES[fmt], headers=headers)
