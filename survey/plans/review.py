""""What we set out to do, what changed": a plan beside the next results.

When a school has a closed round comparable with a plan's base round (same questionnaire lineage, closed after
the base round, METHOD.md v2 Trends), that round's dashboard and PDF show for each focus dimension the baseline,
the goal, the new index, the measured change with its 95% interval, the trend flag, whether the goal was reached,
and the statuses of the actions. Measured change, never caused: the plan is one of many things that happened.

The change follows METHOD.md v2 exactly as the round's own trend columns do: when the plan's base round is the
round's compared earlier round (`previous_round`), those columns are read as they are; otherwise (the base round
lies further back) the same `compare_rounds` runs on the two rounds' published cells of the school (Welch
interval, Benjamini-Hochberg over all of the school's comparable dimensions, the network's minimal important
difference). A cell suppressed in either round gives no change.

Everything is read from the results as the school's staff read them (`RoundResults.for_school`, staff view), so
the review never shows a number the school's dashboard would not. `PlanReview` is plain picklable data: the
PDF build carries it to its worker processes.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd
from sqlalchemy import select

from survey.analysis.trends import compare_rounds, comparable_dimensions
from survey.extensions import db
from survey.network.models import School
from survey.plans.baseline import own_rows
from survey.plans.models import ActionPlan
from survey.results.loading import questionnaire_spec
from survey.results.models import RoundResult
from survey.results.service import ResultsNotReady, RoundResults, lineage_root, previous_round, round_results
from survey.rounds.models import RoundState, SurveyRound, round_school

SchoolResults = Callable[[SurveyRound, str], RoundResults]  # (round, school code) -> the staff view


@dataclass(frozen=True)
class ActionReview:
    description: str
    owner: str
    deadline: str  # ISO date, "" when none
    status: str  # an `ActionStatus` value


@dataclass(frozen=True)
class FocusReview:
    dimension: str  # the key in the base round's questionnaire
    label: str
    baseline: float | None
    goal: float | None
    index: float | None  # the school's index in the later round; None where suppressed or not comparable
    n: str  # the later round's n as published ("–" where suppressed)
    previous_n: str  # the base round's n as published
    change: float | None
    change_low: float | None
    change_high: float | None
    flag: str  # "up", "down" or ""
    reached: bool | None  # None: no goal, or no new index
    comparable: bool
    actions: tuple[ActionReview, ...] = ()


@dataclass(frozen=True)
class PlanReview:
    plan_id: int
    title: str
    status: str  # a `PlanStatus` value
    base_round: str
    round: str
    minimal_difference: float
    focuses: tuple[FocusReview, ...]
    other_actions: tuple[ActionReview, ...] = field(default_factory=tuple)  # serving the plan as a whole
    from_round_trend: bool = True  # the round's own trend columns (else computed against the base round)


def goal_reached(baseline: float | None, goal: float | None, index: float | None) -> bool | None:
    """Whether the new index is at or beyond the goal, seen from the baseline (a goal below the baseline is
    reached by falling to it); None without a goal or a new index."""
    if goal is None or index is None:
        return None
    if baseline is None or goal >= baseline:
        return index >= goal
    return index <= goal


def _number(value) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def _cells(rows: pd.DataFrame, code: str) -> pd.DataFrame:
    """A `dimension_index` table (school, dimension, n, mean, sd) of the school's published `all` cells."""
    return pd.DataFrame({"school": code, "dimension": rows.index.astype(str),
                         "n": pd.to_numeric(rows["n"]).to_numpy(dtype=np.float64, na_value=np.nan),
                         "mean": rows["index"].to_numpy(dtype=np.float64, na_value=np.nan),
                         "sd": rows["sd"].to_numpy(dtype=np.float64, na_value=np.nan)}).reset_index(drop=True)


def measured_changes(base_rows: pd.DataFrame, later_rows: pd.DataFrame, mapping: dict[str, str | None], *,
                     code: str, round_trend: bool, base_spec=None, later_spec=None, k_min: int = 5,
                     minimal_difference: float = 3.0) -> pd.DataFrame:
    """Per later dimension comparable with a base one: `change`, `change_low`, `change_high`, `flag`. With
    `round_trend` the later round's own columns (its trend is against the base round); else `compare_rounds` on
    the two rounds' published cells (needs both specs)."""
    columns = ["change", "change_low", "change_high", "flag"]
    if round_trend:
        found = later_rows[["change", "change_low", "change_high", "trend_flag"]].rename(columns={"trend_flag": "flag"})
        found = found[[key in mapping and mapping[key] is not None for key in found.index]]
        return found[columns]
    trend = compare_rounds(_cells(base_rows, code), _cells(later_rows, code), base_spec, later_spec, k_min=k_min,
                           minimal_difference=minimal_difference)
    trend = trend[trend["comparable"].to_numpy()].set_index(trend["dimension"][trend["comparable"].to_numpy()]
                                                            .astype(str))
    return trend[columns]


def review(plan: ActionPlan, survey_round: SurveyRound, base_own: RoundResults, later_own: RoundResults,
           labels: dict[str, str], *, round_trend: bool) -> PlanReview:
    """The plan's review on `survey_round` from the two rounds' staff views of the school. `labels`: dimension
    key (of either version) -> title in the reader's language. `round_trend`: the plan's base round is the
    round's compared earlier round."""
    code = plan.school.code
    network = survey_round.network
    base_spec, later_spec = questionnaire_spec(plan.base_round.version), questionnaire_spec(survey_round.version)
    mapping = comparable_dimensions(base_spec, later_spec)  # later key -> base key
    later_of = {base: later for later, base in mapping.items() if base is not None}
    base_rows, later_rows = own_rows(base_own, code), own_rows(later_own, code)
    changes = measured_changes(base_rows, later_rows, mapping, code=code, round_trend=round_trend,
                               base_spec=base_spec, later_spec=later_spec, k_min=network.k_min,
                               minimal_difference=network.minimal_difference)
    focuses = []
    for focus in plan.focuses:
        later = later_of.get(focus.dimension)
        row = later_rows.loc[later] if later is not None and later in later_rows.index else None
        hidden = row is None or bool(row["suppressed"])
        index = None if hidden else _number(row["index"])
        change = changes.loc[later] if later is not None and later in changes.index else None
        base = base_rows.loc[focus.dimension] if focus.dimension in base_rows.index else None
        focuses.append(FocusReview(
            dimension=focus.dimension, label=labels.get(later or focus.dimension, focus.dimension),
            baseline=focus.baseline, goal=focus.goal, index=index,
            n="–" if row is None else str(row["n_shown"]), previous_n="–" if base is None else str(base["n_shown"]),
            change=None if change is None else _number(change["change"]),
            change_low=None if change is None else _number(change["change_low"]),
            change_high=None if change is None else _number(change["change_high"]),
            flag="" if change is None or pd.isna(change["flag"]) else str(change["flag"]),
            reached=goal_reached(focus.baseline, focus.goal, index), comparable=later is not None,
            actions=tuple(_action(a) for a in plan.actions if a.dimension == focus.dimension)))
    return PlanReview(plan_id=plan.id, title=plan.title, status=plan.status, base_round=plan.base_round.name,
                      round=survey_round.name, minimal_difference=float(network.minimal_difference),
                      focuses=tuple(focuses), other_actions=tuple(_action(a) for a in plan.actions if a.dimension is None),
                      from_round_trend=round_trend)


def _action(action) -> ActionReview:
    return ActionReview(action.description, action.owner, action.deadline.isoformat() if action.deadline else "",
                        action.status)


def _labels(*versions, language: str) -> dict[str, str]:
    from survey.plans.operations import dimension_labels

    labels: dict[str, str] = {}
    for version in versions:
        labels = dimension_labels(version, language) | labels  # the later version's titles win
    return labels


def plans_reviewed_on(survey_round: SurveyRound, school_ids: Iterable[int]) -> dict[int, ActionPlan]:
    """school id -> the plan the round reviews: the school's plan whose base round is the latest closed before
    this round opened with the same questionnaire lineage (METHOD.md, Trends: comparable rounds)."""
    ids = list(school_ids)
    if not ids:
        return {}
    root = lineage_root(survey_round.version)
    plans = db.session.scalars(
        select(ActionPlan).join(SurveyRound, ActionPlan.base_round_id == SurveyRound.id)
        .where(ActionPlan.school_id.in_(ids), SurveyRound.network_id == survey_round.network_id,
               SurveyRound.id != survey_round.id, SurveyRound.closes_on < survey_round.opens_on)
        .order_by(SurveyRound.closes_on, SurveyRound.id)).all()
    chosen: dict[int, ActionPlan] = {}
    for plan in plans:  # the latest comparable base round wins
        if lineage_root(plan.base_round.version) == root:
            chosen[plan.school_id] = plan
    return chosen


def _staff_view(survey_round: SurveyRound, code: str) -> RoundResults:
    return round_results(survey_round).for_school(code, staff=True)


def review_on_round(survey_round: SurveyRound, school: School, language: str, *, today: date | None = None,
                    school_results: SchoolResults = _staff_view) -> PlanReview | None:
    """The review a school's dashboard of `survey_round` shows, None when no plan of the school is based on an
    earlier comparable round (or the base round's results cannot be read)."""
    plan = plans_reviewed_on(survey_round, [school.id]).get(school.id)
    if plan is None:
        return None
    return _review_or_none(plan, survey_round, language, today or date.today(), school_results)


def _review_or_none(plan: ActionPlan, survey_round: SurveyRound, language: str, today: date,
                    school_results: SchoolResults) -> PlanReview | None:
    code = plan.school.code
    try:
        base_own, later_own = school_results(plan.base_round, code), school_results(survey_round, code)
    except ResultsNotReady:
        return None
    earlier = previous_round(survey_round, today)
    return review(plan, survey_round, base_own, later_own,
                  _labels(plan.base_round.version, survey_round.version, language=language),
                  round_trend=earlier is not None and earlier.id == plan.base_round_id)


def reviews_on_round(survey_round: SurveyRound, schools: Iterable[School], language_of: Callable[[School], str], *,
                     today: date | None = None) -> dict[str, PlanReview]:
    """school code -> its review on `survey_round`, for every school of `schools` that has one (the PDF build:
    each base round's results are read once)."""
    schools = list(schools)
    plans = plans_reviewed_on(survey_round, [school.id for school in schools])
    stored: dict[int, RoundResults] = {}

    def staff_view(of_round: SurveyRound, code: str) -> RoundResults:
        if of_round.id not in stored:
            stored[of_round.id] = round_results(of_round, today=today)
        return stored[of_round.id].for_school(code, staff=True)

    found = {}
    for school in schools:
        plan = plans.get(school.id)
        if plan is not None:
            result = _review_or_none(plan, survey_round, language_of(school), today or date.today(), staff_view)
            if result is not None:
                found[school.code] = result
    return found


def review_of_plan(plan: ActionPlan, language: str, *, today: date | None = None,
                   school_results: SchoolResults = _staff_view) -> PlanReview | None:
    """The plan's review on the next comparable round of its school (the round its goals aim at), once that
    round has closed with frozen results; None before."""
    today = today or date.today()
    base = plan.base_round
    root = lineage_root(base.version)
    later = db.session.scalars(
        select(SurveyRound).join(round_school, round_school.c.round_id == SurveyRound.id)
        .join(RoundResult, RoundResult.round_id == SurveyRound.id)
        .where(round_school.c.school_id == plan.school_id, SurveyRound.network_id == base.network_id,
               SurveyRound.opens_on > base.closes_on)
        .order_by(SurveyRound.closes_on, SurveyRound.id)).all()
    for candidate in later:
        if candidate.state_on(today) is RoundState.CLOSED and lineage_root(candidate.version) == root:
            if plans_reviewed_on(candidate, [plan.school_id]).get(plan.school_id) is not plan:
                return None  # a later plan takes over the review of that round
            return _review_or_none(plan, candidate, language, today, school_results)
    return None
