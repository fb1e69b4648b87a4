"""The JSON API views. Every view but the public ones runs after `auth.authenticate_token`.

Access: a network admin sees every round of their network; school staff see the rounds that include their
school, and within them only their school (and the network-wide rows of results). A round the user may not
see answers 404, exactly like one that does not exist.
"""
from __future__ import annotations

from datetime import date, datetime, timezone

import numpy as np
import pandas as pd
from flask import abort, jsonify, request
from sqlalchemy import func, select, text
from sqlalchemy.orm import selectinload

from survey.accounts.models import User
from survey.analysis import protected_counts, response_rate
from survey.api import bp
from survey.api.auth import current_api_user, public
from survey.api.openapi import openapi_document
from survey.catalog.models import QuestionnaireVersion, versions_of_network
from survey.extensions import db
from survey.network.models import School
from survey.responses.models import Response
from survey.results.service import ResultsNotReady, round_results
from survey.rounds.models import Population, RoundState, SurveyRound, round_school


@bp.get("/health")
@public
def health():
    """For load balancers and monitoring: the app answers and reaches its database."""
    db.session.execute(text("SELECT 1"))
    return jsonify(status="ok")


@bp.get("/questionnaires")
def questionnaires():
    """The catalog of the token's network: each network publishes its own, and sees no other's."""
    versions = db.session.scalars(
        versions_of_network(current_api_user().network_id).order_by(QuestionnaireVersion.published_at, QuestionnaireVersion.id)
    ).all()
    return jsonify(
        [
            {
                "family": v.family.key,
                "version": v.version,
                "previous": v.previous.version if v.previous else None,
                "title": v.title,
                "languages": v.languages,
                "scale_points": v.scale_points,
                "checksum": v.checksum,
                "published_at": v.published_at.date().isoformat(),
                "withdrawn": v.is_withdrawn,
                "items": len(v.items),
            }
            for v in versions
        ]
    )


@bp.get("/openapi.json")
@public
def openapi():
    """The OpenAPI 3.1 description of this API."""
    return jsonify(openapi_document())


# --- rounds --------------------------------------------------------------------------------------------


def visible_rounds(user: User):
    """The rounds `user` may see: the network's for an admin, those including their school for staff."""
    query = select(SurveyRound).where(SurveyRound.network_id == user.network_id)
    if not user.is_network_admin:
        query = query.join(round_school, round_school.c.round_id == SurveyRound.id).where(
            round_school.c.school_id == user.school_id
        )
    return query


def round_or_404(round_id: int) -> SurveyRound:
    round_ = db.session.scalar(visible_rounds(current_api_user()).where(SurveyRound.id == round_id))
    if round_ is None:
        abort(404)
    return round_


def visible_schools(round_: SurveyRound, user: User) -> list[School]:
    return [s for s in round_.schools if user.is_network_admin or s.id == user.school_id]


def round_json(round_: SurveyRound, user: User, today: date) -> dict:
    return {
        "id": round_.id,
        "name": round_.name,
        "state": round_.state_on(today).value,
        "opens_on": round_.opens_on.isoformat(),
        "closes_on": round_.closes_on.isoformat(),
        "questionnaire": {"family": round_.version.family.key, "version": round_.version.version},
        "schools": [s.code for s in visible_schools(round_, user)],
    }


@bp.get("/rounds")
def rounds():
    """The rounds the token's user may see, newest first."""
    user, today = current_api_user(), date.today()
    query = visible_rounds(user).options(
        selectinload(SurveyRound.schools), selectinload(SurveyRound.version).joinedload(QuestionnaireVersion.family)
    )
    found = db.session.scalars(query.order_by(SurveyRound.opens_on.desc(), SurveyRound.id)).all()
    return jsonify([round_json(r, user, today) for r in found])


@bp.get("/rounds/<int:round_id>")
def round_detail(round_id: int):
    return jsonify(round_json(round_or_404(round_id), current_api_user(), date.today()))


@bp.get("/rounds/<int:round_id>/counts")
def round_counts(round_id: int):
    """Submitted responses, population and response rate per school and program (staff: their school)."""
    round_, user = round_or_404(round_id), current_api_user()
    schools = visible_schools(round_, user)
    submitted = {
        (school_id, program_id): n
        for school_id, program_id, n in db.session.execute(
            select(Response.school_id, Response.program_id, func.count())
            .where(Response.round_id == round_.id, Response.school_id.in_([s.id for s in schools]))
            .group_by(Response.school_id, Response.program_id)
        )
    }
    populations = dict(
        db.session.execute(select(Population.program_id, Population.size).where(Population.round_id == round_.id)).all()
    )
    school_counts = [school_count(school, submitted, populations) for school in schools]
    if user.is_network_admin:
        body = {"round": round_.id, "schools": school_counts}
        body["network"] = count_json(
            sum(s["responses"] for s in school_counts),
            sum_known(s["population"] for s in school_counts),
        )
        return jsonify(body)
    k_min = round_.network.k_min
    return jsonify({"round": round_.id, "schools": [counts_for_staff(count, k_min) for count in school_counts]})


def counts_for_staff(count: dict, k_min: int) -> dict:
    """A school's counts as its staff see them (METHOD.md: live counts follow the results' rule, open or
    closed): a program below k_min, or one protecting it, and a total below k_min show null responses and
    null response rate (`survey.analysis.protected_counts`)."""
    shown, total_shown = protected_counts([p["responses"] for p in count["programs"]], k_min)
    programs = [p if flag else p | {"responses": None, "response_rate": None}
                for p, flag in zip(count["programs"], shown)]
    hidden = {} if total_shown else {"responses": None, "response_rate": None}
    return count | hidden | {"programs": programs}


def count_json(responses: int, population: int | None) -> dict:
    rate = response_rate(responses, population)
    return {"responses": responses, "population": population, "response_rate": None if rate != rate else rate}


def sum_known(values) -> int | None:
    """The sum of the values given; None when none is (a population the school never gave)."""
    known = [v for v in values if v is not None]
    return sum(known) if known else None


def school_count(school: School, submitted: dict, populations: dict) -> dict:
    programs = [
        {"program": p.code, "name": p.name}
        | count_json(submitted.get((school.id, p.id), 0), populations.get(p.id))
        for p in school.programs
    ]
    if submitted.get((school.id, None)):  # respondents who gave no program
        programs.append({"program": None, "name": None} | count_json(submitted[(school.id, None)], None))
    return (
        {"school": school.code, "name": school.name}
        | count_json(sum(p["responses"] for p in programs), sum_known(p["population"] for p in programs))
        | {"programs": programs}
    )


# --- results -------------------------------------------------------------------------------------------

RESULT_FILTERS = ("school", "breakdown", "group", "dimension")
ITEM_FILTERS = ("school", "dimension", "item")


def filtered(frame: pd.DataFrame, filters: dict[str, str]) -> pd.DataFrame:
    """The rows whose `column` equals `value` for each of `filters` (none, for a column the table lacks)."""
    keep = np.ones(len(frame), dtype=bool)
    for column, value in filters.items():
        keep &= frame[column].astype(str).eq(value).to_numpy() if column in frame.columns else False
    return frame[keep]


def json_records(frame: pd.DataFrame) -> list[dict]:
    """Rows as JSON-ready dicts of Python values; NaN, NA and infinities become None (JSON null)."""
    values = frame.replace([np.inf, -np.inf], np.nan)
    return values.astype(object).where(values.notna(), None).to_dict("records")


def results_response(round_id: int, table: str, filter_names: tuple[str, ...]):
    round_, user, today = round_or_404(round_id), current_api_user(), date.today()
    state = round_.state_on(today)
    if state is RoundState.DRAFT:
        return json_error(409, "The round has not opened yet: it has no results.")
    if state is RoundState.OPEN and not user.is_network_admin:
        return json_error(403, "The round is still open: provisional results are for network admins only.")
    try:
        results = round_results(round_, today=today)
    except ResultsNotReady:
        return json_error(409, "The round's results are being prepared: a closed round's are frozen, and an open "
                               "round's provisional snapshot taken once a day, by a periodic job. Try again later.")
    if not user.is_network_admin:
        results = results.for_school(user.school.code)
    filters = {name: request.args[name] for name in filter_names if request.args.get(name)}
    rows = filtered(getattr(results, table), filters)
    return jsonify(
        {
            "round": round_.id,
            "state": state.value,
            "frozen": results.frozen,
            "provisional": not results.frozen,
            "content_hash": results.content_hash,
            "computed_at": utc_iso(results.computed_at),
            "as_of": results.as_of.isoformat() if results.as_of else None,
            "rows": json_records(rows),
        }
    )


def utc_iso(moment: datetime) -> str:
    """ISO 8601 in UTC; SQLite hands stored times back without their zone, which is UTC."""
    zoned = moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment.astimezone(timezone.utc)
    return zoned.isoformat()


def json_error(status: int, message: str):
    response = jsonify(error=message, status=status)
    response.status_code = status
    return response


@bp.get("/rounds/<int:round_id>/results")
def round_results_view(round_id: int):
    """Dimension results (the long aggregates table). Staff: their school's rows and the network's."""
    return results_response(round_id, "aggregates", RESULT_FILTERS)


@bp.get("/rounds/<int:round_id>/items")
def round_items_view(round_id: int):
    """Item results, under the same rules as the dimension results."""
    return results_response(round_id, "items", ITEM_FILTERS)
