"""Network admins download a round's aggregates (all schools) or its responses (CSV, XLSX, Parquet, SPSS,
Stata) with their codebook; aggregates of an open round are its latest daily snapshot, named provisional with
its date."""
from __future__ import annotations

from flask import Response, abort
from flask_login import current_user

from survey.catalog.operations import definition_of
from survey.extensions import db
from survey.microdata import writers as microdata
from survey.microdata.codebook import CODEBOOK_FORMATS, codebook_bytes
from survey.microdata.responses import codebook, responses_bytes
from survey.microdata.variables import ExportError
from survey.results.export import FORMATS, MEDIA_TYPES, table_bytes
from survey.results.service import ResultsNotReady, round_results
from survey.admin import bp
from survey.rounds.models import SurveyRound
from survey.school.exports import _slug
from survey.school.preparing import preparing_page


def _round_or_404(round_id: int, fmt: str, formats=FORMATS) -> SurveyRound:
    """The round, when it is one of the admin's own network (another network's answers 404, exactly like a
    round that does not exist), in a format we write."""
    survey_round = db.session.get(SurveyRound, round_id)
    if survey_round is None or survey_round.network_id != current_user.network_id or fmt not in formats:
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
    survey_round = _round_or_404(round_id, fmt, microdata.FORMATS)
    try:
        payload = responses_bytes(survey_round, fmt)
    except ExportError as error:
        abort(422, description=str(error))
    return _download(payload, fmt, f"{_slug(survey_round.name)}-responses.{fmt}", media=microdata.MEDIA_TYPES)


@bp.get("/rounds/<int:round_id>/codebook.<fmt>")
def codebook_download(round_id: int, fmt: str):
    """The codebook of the round's response export (the variables of its questionnaire version)."""
    survey_round = _round_or_404(round_id, fmt, CODEBOOK_FORMATS)
    definition = definition_of(survey_round.version)
    title = f"{survey_round.name} ({definition.family} {definition.version})"
    payload = codebook_bytes(codebook(definition), fmt, title=title, language=definition.default_language)
    return _download(payload, fmt, f"{_slug(survey_round.name)}-codebook.{fmt}", media=CODEBOOK_MEDIA_TYPES)


CODEBOOK_MEDIA_TYPES = {"csv": "text/csv; charset=utf-8", "html": "text/html; charset=utf-8"}


def _download(payload: bytes, fmt: str, filename: str, content_hash: str | None = None,
              media=MEDIA_TYPES) -> Response:
    headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
    if content_hash:
        headers["X-Content-Hash"] = content_hash
    return Response(payload, mimetype=media[fmt], headers=headers)
