"""Network admins download a round's responses (CSV, XLSX, Parquet, SPSS, Stata) and their codebook.

The blueprint's one loader gives the round, when it is one of the admin's own network (another network's
answers 404, exactly like a round that does not exist).
"""
from __future__ import annotations

from flask import abort, g
from flask_login import current_user

from survey.audit import record
from survey.catalog.operations import definition_of
from survey.extensions import db
from survey.microdata import writers
from survey.microdata.codebook import CODEBOOK_FORMATS, codebook_bytes
from survey.microdata.responses import codebook, responses_bytes
from survey.microdata.variables import ExportError
from survey.portal import admin_blueprint
from survey.results.downloads import attachment, slug
from survey.rounds.models import SurveyRound

bp = admin_blueprint("microdata_admin", __name__)

CODEBOOK_MEDIA_TYPES = {"csv": "text/csv; charset=utf-8", "html": "text/html; charset=utf-8"}


@bp.url_value_preprocessor
def _load_round(_endpoint: str | None, values: dict | None) -> None:
    survey_round = db.session.get(SurveyRound, values.pop("round_id"))
    if survey_round is None or survey_round.network_id != current_user.network_id:
        abort(404)
    g.round = survey_round


@bp.get("/rounds/<int:round_id>/responses.<fmt>")
def responses_download(fmt: str):
    if fmt not in writers.FORMATS:
        abort(404)
    try:
        payload = responses_bytes(g.round, fmt)
    except ExportError as error:
        abort(422, description=str(error))
    record(current_user, "export.microdata", f"round {g.round.name}", {"format": fmt})
    return attachment(payload, writers.MEDIA_TYPES[fmt], f"{slug(g.round.name)}-responses.{fmt}")


@bp.get("/rounds/<int:round_id>/codebook.<fmt>")
def codebook_download(fmt: str):
    """The codebook of the round's response export (the variables of its questionnaire version)."""
    if fmt not in CODEBOOK_FORMATS:
        abort(404)
    definition = definition_of(g.round.version)
    title = f"{g.round.name} ({definition.family} {definition.version})"
    record(current_user, "export.codebook", f"round {g.round.name}", {"format": fmt})
    payload = codebook_bytes(codebook(definition), fmt, title=title, language=definition.default_language)
    return attachment(payload, CODEBOOK_MEDIA_TYPES[fmt], f"{slug(g.round.name)}-codebook.{fmt}")
