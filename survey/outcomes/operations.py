"""Reading and removing a network's outcome indicators (the import is survey/outcomes/importer.py). Writes flush,
never commit."""
from __future__ import annotations

import pandas as pd
from sqlalchemy import func, select

from survey.extensions import db
from survey.network.models import Network, School
from survey.outcomes.models import OutcomeIndicator, OutcomeValue


def indicators_of(network: Network) -> list[OutcomeIndicator]:
    return list(db.session.scalars(select(OutcomeIndicator).where(OutcomeIndicator.network_id == network.id)
                                   .order_by(OutcomeIndicator.key)))


def values_per_year(network: Network) -> dict[int, dict[int, int]]:
    """indicator id -> year -> how many values (schools' and programs') the network holds."""
    rows = db.session.execute(
        select(OutcomeValue.indicator_id, OutcomeValue.year, func.count(OutcomeValue.id))
        .join(OutcomeIndicator).where(OutcomeIndicator.network_id == network.id)
        .group_by(OutcomeValue.indicator_id, OutcomeValue.year)).all()
    counts: dict[int, dict[int, int]] = {}
    for indicator_id, year, count in rows:
        counts.setdefault(indicator_id, {})[year] = count
    return {key: dict(sorted(years.items())) for key, years in counts.items()}


def delete_indicator(indicator: OutcomeIndicator) -> int:
    """Remove the indicator and all its values; returns how many values went with it."""
    count = db.session.scalar(select(func.count(OutcomeValue.id)).where(OutcomeValue.indicator_id == indicator.id))
    db.session.delete(indicator)
    db.session.flush()
    return count or 0


def label_of(indicator: OutcomeIndicator, language: str) -> str:
    """The indicator's label in `language`, else in Danish, Swedish or English, else its key."""
    labels = indicator.label or {}
    return next((labels[lang] for lang in (language, "da", "sv", "en") if labels.get(lang)), indicator.key)


def round_year(survey_round) -> int:
    """The year a round's results describe, and whose outcomes go beside them: the year it closes."""
    return survey_round.closes_on.year


def report_outcomes(survey_round, language: str):
    """The network report's outcomes (`survey.reporting.inputs.OutcomeInputs`) for the round: every indicator of
    the network with the school-level values of the round's schools up to the round's year; None when the
    network has no indicators."""
    from survey.reporting.inputs import OutcomeIndicatorInfo, OutcomeInputs

    indicators = indicators_of(survey_round.network)
    if not indicators:
        return None
    year = round_year(survey_round)
    school_ids = [school.id for school in survey_round.schools]
    rows = db.session.execute(
        select(OutcomeIndicator.key, School.code, OutcomeValue.year, OutcomeValue.value)
        .join(OutcomeValue.indicator).join(School, OutcomeValue.school_id == School.id)
        .where(OutcomeIndicator.network_id == survey_round.network_id, OutcomeValue.program_id.is_(None),
               OutcomeValue.year <= year, OutcomeValue.school_id.in_(school_ids))
        .order_by(OutcomeIndicator.key, School.code, OutcomeValue.year)).all()
    values = pd.DataFrame(rows, columns=["indicator", "school", "year", "value"]).astype(
        {"indicator": str, "school": str, "year": int, "value": float})
    return OutcomeInputs(year, [OutcomeIndicatorInfo(i.key, label_of(i, language), i.unit, i.direction)
                                for i in indicators], values)
