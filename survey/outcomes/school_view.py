"""What a school's staff read of the outcomes: their own school's values (and its programs') per indicator and
year, beside their own dimension indices of the rounds of those years. Of the other schools only the network's
median, where at least 3 other schools have a value (`survey.analysis.outcome_correlation.network_medians`);
never another school's value, nor how many schools there are.

A round's year is the year it closes: the year its results describe (`survey.outcomes.operations.round_year`).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd
from flask_babel import format_decimal, gettext as _
from sqlalchemy import select

from survey.analysis.outcome_correlation import network_medians
from survey.extensions import db
from survey.network.models import School
from survey.outcomes.models import OutcomeIndicator, OutcomeValue
from survey.outcomes.operations import label_of, round_year
from survey.reporting.format import format_index, format_interval
from survey.rounds.models import RoundState, SurveyRound, round_school


def direction_words(direction: str) -> str:
    return _("higher is better") if direction == "higher_is_better" else _("lower is better")


def format_value(value: float | None) -> str:
    """An outcome value in the reader's locale with up to two decimals ("72,5", "1.204"); "–" when missing."""
    return "–" if value is None or pd.isna(value) else format_decimal(round(float(value), 2), format="#,##0.##")


@dataclass(frozen=True)
class OutcomeLine:
    indicator: str
    label: str
    unit: str
    direction: str  # in words
    program: str | None  # the program's name, None for the whole school
    value: str
    n: str
    median: str  # the network's median, "–" where fewer than 3 other schools have a value or for a program


@dataclass(frozen=True)
class RoundIndices:
    name: str
    round_id: int
    dimensions: list[tuple[str, str, str]]  # (label, index, interval); "–" where suppressed


@dataclass
class OutcomeYear:
    year: int
    lines: list[OutcomeLine] = field(default_factory=list)
    rounds: list[RoundIndices] = field(default_factory=list)


def school_outcomes(school: School, language: str, today: date) -> list[OutcomeYear]:
    """The school's years with outcome values, latest first, each with its lines and its rounds' indices."""
    own = db.session.execute(
        select(OutcomeValue, OutcomeIndicator).join(OutcomeIndicator)
        .where(OutcomeValue.school_id == school.id, OutcomeIndicator.network_id == school.network_id)
        .order_by(OutcomeValue.year.desc(), OutcomeIndicator.key)).all()
    if not own:
        return []
    indicator_ids = {indicator.id for _, indicator in own}
    network_values = pd.DataFrame(
        db.session.execute(select(OutcomeValue.indicator_id, OutcomeValue.school_id, OutcomeValue.year,
                                  OutcomeValue.value)
                           .where(OutcomeValue.indicator_id.in_(indicator_ids), OutcomeValue.program_id.is_(None)))
        .all(), columns=["indicator", "school", "year", "value"])
    medians = {(row.indicator, row.year): row.median
               for row in network_medians(network_values, school.id).itertuples()}
    programs = {p.id: p.name for p in school.programs}
    years: dict[int, OutcomeYear] = {}
    for value, indicator in sorted(own, key=lambda pair: (-pair[0].year, pair[1].key, pair[0].program_id is not None,
                                                          programs.get(pair[0].program_id, ""))):
        year = years.setdefault(value.year, OutcomeYear(value.year))
        school_level = value.program_id is None
        year.lines.append(OutcomeLine(
            indicator=indicator.key, label=label_of(indicator, language), unit=indicator.unit,
            direction=direction_words(indicator.direction),
            program=None if school_level else programs.get(value.program_id, ""),
            value=format_value(value.value), n="" if value.n is None else format_decimal(value.n),
            median=format_value(medians.get((indicator.id, value.year))) if school_level else "–"))
    for survey_round in _closed_rounds(school, today):
        year = years.get(round_year(survey_round))
        if year is not None:
            indices = _round_indices(survey_round, school, language, today)
            if indices is not None:
                year.rounds.append(indices)
    return list(years.values())


def _closed_rounds(school: School, today: date) -> list[SurveyRound]:
    rounds = db.session.scalars(select(SurveyRound).join(round_school).where(round_school.c.school_id == school.id)
                                .order_by(SurveyRound.closes_on, SurveyRound.id)).all()
    return [r for r in rounds if r.state_on(today) is RoundState.CLOSED]


def _round_indices(survey_round: SurveyRound, school: School, language: str, today: date) -> RoundIndices | None:
    """The school's own dimension indices of the round as its staff read them (`RoundResults.for_school`),
    None while the round's results are being prepared."""
    from survey.results.service import ResultsNotReady, round_results

    try:
        results = round_results(survey_round, today=today).for_school(school.code, staff=True)
    except ResultsNotReady:
        return None
    rows = results.aggregates
    rows = rows[(rows["school"] == school.code) & (rows["breakdown"] == "all")].set_index("dimension")
    dimensions = []
    for dimension in survey_round.version.dimensions:
        label = (dimension.title or {}).get(language) or (dimension.title or {}).get("da") or dimension.key
        if dimension.key not in rows.index or bool(rows.at[dimension.key, "suppressed"]):
            dimensions.append((label, "–", "–"))
            continue
        row = rows.loc[dimension.key]
        dimensions.append((label, format_index(row["index"], language),
                           format_interval(row["ci_low"], row["ci_high"], language)))
    return RoundIndices(survey_round.name, survey_round.id, dimensions)
