"""Reading and removing a network's outcome indicators (the import is survey/outcomes/importer.py). Writes flush,
never commit."""
from __future__ import annotations

from sqlalchemy import func, select

from survey.extensions import db
from survey.network.models import Network
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
