"""The network learning view for admins: where the network improved or fell, the practices addressing each
dimension with their schools' measured change, schools with and without action plans on it and their changes,
and learning activity in counts. For the admin page, its CSV and the PDF for the network's annual meeting.

`learning_inputs(round, language)` reads everything in a handful of set-based queries (the round's stored
results, one query for the cards of the family's dimensions, one for the plans' focuses, one count per kind
of activity) and returns plain data (`LearningInputs`); the page, the CSV (`learning_table`) and the PDF
(`survey.learning.layout`) are built from it without touching the database again.

Plans are the schools': where `Network.admins_read_plans` is off the view carries only the two groups'
aggregates (`survey.analysis.plan_groups`, small groups hidden), never which school planned what.
"""
from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd
from sqlalchemy import func, select

from survey.analysis.evidence import MEASURED
from survey.analysis.plan_groups import changes_by_plan_group
from survey.analysis.trends import comparable_dimensions
from survey.extensions import db
from survey.learning.evidence import CardEvidence, MeasuredChange, evidence_for_cards
from survey.network.models import School
from survey.partnering.models import BenchlearningRequest, RequestStatus
from survey.plans.models import ActionPlan, PlanFocus, PlanStatus
from survey.practices.models import CardStatus, PracticeCard, PracticeTag, TagKind
from survey.reporting.inputs import NETWORK, Dimension
from survey.results.compute import without_organisers
from survey.results.loading import questionnaire_spec
from survey.results.dashboard.loading import stored_results
from survey.results.service import previous_round
from survey.rounds.models import RoundState, SurveyRound

PLANNING = (PlanStatus.ACTIVE.value, PlanStatus.COMPLETED.value)  # a plan a school acts on, or acted on
CARDS_SHOWN = 10  # per dimension on the page and in the PDF (featured first, then the newest); the CSV has all
NETWORK_COLUMNS = ("dimension", "n", "index", "suppressed", "previous_n", "change", "change_low", "change_high",
                   "q_value", "trend_flag")
CARD_COLUMNS = ("dimension", "card_id", "title", "school", "school_name", "featured")
CARD_DETAILS = ("summary", "contact_name", "contact_role", "contact_email")
PLANNED_COLUMNS = ("dimension", "school", "school_name", "change", "change_low", "change_high", "trend_flag")
ACTIVITY = ("cards_published", "cards_featured", "requests_sent", "requests_accepted", "requests_declined",
            "requests_meetings", "requests_completed", "plans_active", "plans_completed")


@dataclass
class LearningInputs:
    """Everything the learning view shows of one round: plain data, no ORM objects."""

    round_id: int
    round_name: str
    family: str
    version_label: str
    previous_round: str | None  # the comparable earlier round the changes are measured against
    network_name: str
    language: str
    k_min: int
    minimal_difference: float
    admins_read_plans: bool
    results_hash: str
    dimensions: list[Dimension]
    network: pd.DataFrame  # NETWORK_COLUMNS: the network's `all` row of each dimension
    cards: pd.DataFrame  # CARD_COLUMNS: every published card tagged with a dimension, shown order per dimension
    evidence: dict[int, CardEvidence]  # card id -> its evidence: the cards shown (the CSV: every card)
    plan_groups: pd.DataFrame  # survey.analysis.plan_groups.GROUP_COLUMNS
    planned: pd.DataFrame  # PLANNED_COLUMNS, only where admins read plans (else no rows)
    activity: dict[str, int] = field(default_factory=dict)  # ACTIVITY -> count, in the network to date


def dimension_tag(family: str, dimension: str) -> str:
    """The tag a card carries for a dimension: comparable across the family's versions."""
    return f"{family}/{dimension}"


def dimension_change(evidence: CardEvidence | None, family: str, dimension: str) -> MeasuredChange | None:
    """The card's measured change since it began on one dimension (a `MeasuredChange`: `status`, `change`,
    `change_low`, `change_high`, `q_value`, `flag`), None where the evidence does not cover it."""
    if evidence is None:
        return None
    return next((found.change for found in evidence.dimensions
                 if found.family == family and found.dimension == dimension), None)


def learning_inputs(survey_round: SurveyRound, language: str, *, today: date | None = None,
                    all_cards: bool = False) -> LearningInputs:
    """The learning view of a closed round with stored results (`ResultsNotReady` otherwise, from
    `round_results`, whose parsed tables the dashboards keep per process). `all_cards`: the evidence of every
    card (the CSV), else of the cards shown."""
    today = today or date.today()
    network = survey_round.network
    version = survey_round.version
    family = version.family.key
    _key, results = stored_results(survey_round, today)  # parsed once per process and content hash
    aggregates = without_organisers(results.aggregates)
    overall = aggregates[(aggregates["breakdown"] == "all").to_numpy()]
    dimensions = [Dimension(d.key, _title(d.title, language, d.key), d.is_overall) for d in version.dimensions]
    keys = [d.key for d in dimensions]

    network_rows = overall[(overall["school"] == NETWORK).to_numpy()]
    network_rows = network_rows.reindex(columns=list(NETWORK_COLUMNS))
    network_rows["trend_flag"] = network_rows["trend_flag"].fillna("")
    school_rows = overall[(overall["school"] != NETWORK).to_numpy()]
    changes = school_rows[["school", "dimension", "change", "change_low", "change_high", "trend_flag"]]

    earlier = previous_round(survey_round, today)
    planned = _planned(earlier, survey_round, keys)
    groups = changes_by_plan_group(changes, planned, keys, hide_small=not network.admins_read_plans)
    if network.admins_read_plans:
        names = {school.code: school.name for school in survey_round.schools}
        planned_rows = planned.merge(changes, on=["school", "dimension"], how="inner")
        planned_rows = planned_rows[planned_rows["change"].notna().to_numpy()]
        planned_rows = planned_rows.assign(school_name=planned_rows["school"].map(names))
        planned_rows = planned_rows.sort_values(["dimension", "school_name"], key=_dimension_order(keys))
        planned_rows = planned_rows[list(PLANNED_COLUMNS)].reset_index(drop=True)
    else:
        planned_rows = pd.DataFrame({column: [] for column in PLANNED_COLUMNS})

    cards = published_cards(network.id, family, keys)
    shown = cards if all_cards else cards.groupby("dimension", sort=False).head(CARDS_SHOWN)
    ids = sorted(set(shown["card_id"].tolist()))
    evidence = evidence_for_cards(db.session.scalars(select(PracticeCard).where(PracticeCard.id.in_(ids))).all()
                                  if ids else [], today=today)
    return LearningInputs(
        round_id=survey_round.id, round_name=survey_round.name, family=family,
        version_label=f"{family}:{version.version}", previous_round=earlier.name if earlier else None,
        network_name=network.name, language=language, k_min=network.k_min,
        minimal_difference=network.minimal_difference, admins_read_plans=network.admins_read_plans,
        results_hash=results.content_hash, dimensions=dimensions,
        network=network_rows.reset_index(drop=True), cards=cards, evidence=evidence, plan_groups=groups,
        planned=planned_rows, activity=activity_counts(network.id))


def _title(labels: dict | None, language: str, fallback: str) -> str:
    labels = labels or {}
    return labels.get(language) or labels.get("da") or labels.get("en") or fallback


def _dimension_order(keys: list[str]):
    """A sort key: dimensions in questionnaire order, anything else by its text (case-insensitive)."""
    position = {key: i for i, key in enumerate(keys)}

    def key(column: pd.Series) -> pd.Series:
        if column.name == "dimension":
            return column.map(position)
        return column.astype(str).str.casefold()

    return key


def _planned(earlier: SurveyRound | None, survey_round: SurveyRound, keys: list[str]) -> pd.DataFrame:
    """(school code, dimension of this round) for each active or completed plan set on the previous comparable
    round that focuses on the dimension: the plans whose "what changed" this round measures. A focus on a
    dimension that is not comparable with this round's is left out (it has no change)."""
    if earlier is None:
        return pd.DataFrame({"school": pd.Series([], dtype="str"), "dimension": pd.Series([], dtype="str")})
    rows = db.session.execute(
        select(School.code, PlanFocus.dimension)
        .join(ActionPlan, ActionPlan.school_id == School.id).join(PlanFocus, PlanFocus.plan_id == ActionPlan.id)
        .where(ActionPlan.base_round_id == earlier.id, ActionPlan.status.in_(PLANNING),
               School.network_id == survey_round.network_id)).all()
    mapping = comparable_dimensions(questionnaire_spec(earlier.version), questionnaire_spec(survey_round.version))
    current_of = {before: now for now, before in mapping.items() if before is not None and now in keys}
    planned = pd.DataFrame(rows, columns=["school", "dimension"], dtype="str")
    planned["dimension"] = planned["dimension"].map(current_of)
    return planned.dropna().drop_duplicates().reset_index(drop=True)


def published_cards(network_id: int, family: str, keys: list[str], *, schools: Collection[str] | None = None,
                    details: bool = False) -> pd.DataFrame:
    """Every published card of the network tagged with one of the family's dimensions `keys` (and written at
    one of `schools`, codes, where given), one row per (dimension, card), in one query: dimensions in `keys`
    order, then featured first, the most recently published, the lowest id. Columns: `CARD_COLUMNS`, with
    `details` also the card's summary and contact (`CARD_DETAILS`, for "Learn from")."""
    tags = {dimension_tag(family, key): key for key in keys}
    columns = [PracticeTag.value, PracticeCard.id, PracticeCard.title, School.code, School.name, PracticeCard.featured]
    if details:
        columns += [PracticeCard.summary, PracticeCard.contact_name, PracticeCard.contact_role,
                    PracticeCard.contact_email]
    query = (select(*columns)
             .join(PracticeCard, PracticeCard.id == PracticeTag.card_id)
             .join(School, School.id == PracticeCard.school_id)
             .where(PracticeCard.network_id == network_id, PracticeCard.status == CardStatus.PUBLISHED.value,
                    PracticeTag.kind == TagKind.DIMENSION.value, PracticeTag.value.in_(list(tags)))
             .order_by(PracticeCard.featured.desc(), PracticeCard.published_at.desc(), PracticeCard.id))
    if schools is not None:
        query = query.where(School.code.in_(list(schools)))
    rows = [tuple(row) for row in db.session.execute(query)]  # plain tuples: pandas reads them at C speed
    names = [*CARD_COLUMNS, *(CARD_DETAILS if details else ())]
    cards = pd.DataFrame.from_records(rows, columns=names) if rows else pd.DataFrame(
        {name: pd.Series([], dtype=bool if name == "featured" else object) for name in names})
    cards["dimension"] = cards["dimension"].map(tags)
    cards["featured"] = cards["featured"].astype(bool)
    position = cards["dimension"].map({key: i for i, key in enumerate(keys)}).to_numpy()
    return cards.iloc[np.argsort(position, kind="stable")].reset_index(drop=True)


def activity_counts(network_id: int) -> dict[str, int]:
    """Learning activity in the network to date, in counts only (never which school did what)."""
    published = PracticeCard.status == CardStatus.PUBLISHED.value
    cards = db.session.execute(
        select(func.count(PracticeCard.id), func.count(PracticeCard.id).filter(PracticeCard.featured))
        .where(PracticeCard.network_id == network_id, published)).one()
    requests = dict(db.session.execute(
        select(BenchlearningRequest.status, func.count(BenchlearningRequest.id))
        .where(BenchlearningRequest.network_id == network_id).group_by(BenchlearningRequest.status)).all())
    plans = dict(db.session.execute(
        select(ActionPlan.status, func.count(ActionPlan.id)).join(School, School.id == ActionPlan.school_id)
        .where(School.network_id == network_id).group_by(ActionPlan.status)).all())
    met = requests.get(RequestStatus.VISIT_PLANNED.value, 0) + requests.get(RequestStatus.COMPLETED.value, 0)
    return {
        "cards_published": int(cards[0]), "cards_featured": int(cards[1]),
        "requests_sent": sum(requests.values()),
        "requests_accepted": requests.get(RequestStatus.ACCEPTED.value, 0) + met,
        "requests_declined": requests.get(RequestStatus.DECLINED.value, 0),
        "requests_meetings": met,
        "requests_completed": requests.get(RequestStatus.COMPLETED.value, 0),
        "plans_active": plans.get(PlanStatus.ACTIVE.value, 0),
        "plans_completed": plans.get(PlanStatus.COMPLETED.value, 0),
    }


def closed_rounds_by_family(network_id: int, today: date) -> dict[str, list[SurveyRound]]:
    """The network's closed rounds per family key (families by key), newest first: the first is the default."""
    rounds = db.session.scalars(select(SurveyRound).where(SurveyRound.network_id == network_id)
                                .order_by(SurveyRound.closes_on.desc(), SurveyRound.id.desc())).all()
    by_family: dict[str, list[SurveyRound]] = {}
    for survey_round in rounds:
        if survey_round.state_on(today) is RoundState.CLOSED:
            by_family.setdefault(survey_round.version.family.key, []).append(survey_round)
    return dict(sorted(by_family.items()))


TABLE_COLUMNS = ("round", "section", "dimension", "subject", "school", "name", "measure", "value", "low", "high",
                 "n", "q_value", "flag", "status", "featured")


def learning_table(inputs: LearningInputs) -> pd.DataFrame:
    """The learning view as tidy rows for the CSV: one row per observation (`section`: network, practice,
    plan_group, planned_school, activity). `subject`: NETWORK, a card id, a group, a school code or an activity;
    `status`: why a card's change has no numbers (survey.analysis.evidence). Hidden groups have no value and
    n "–", as everywhere; the planned schools only where admins read plans."""
    rows: list[dict] = []

    def add(section, dimension, subject, name, measure, value=None, low=None, high=None, *, n=None, q=None,
            flag="", status="", featured=None, school=""):
        rows.append({"round": inputs.round_name, "section": section, "dimension": dimension, "subject": subject,
                     "school": school, "name": name, "measure": measure, "value": _float(value),
                     "low": _float(low), "high": _float(high), "n": n, "q_value": _float(q), "flag": flag,
                     "status": status, "featured": featured})

    for row in inputs.network.itertuples():
        hidden = bool(row.suppressed)
        add("network", row.dimension, NETWORK, "", "change", *(() if hidden else (
            row.change, row.change_low, row.change_high)), n="–" if hidden else _count(row.n),
            q=None if hidden else row.q_value, flag="" if hidden else row.trend_flag)
    for row in inputs.cards.itertuples():
        change = dimension_change(inputs.evidence.get(int(row.card_id)), inputs.family, row.dimension)
        measured = change is not None and change.status == MEASURED
        add("practice", row.dimension, str(row.card_id), row.title, "change_since_start",
            *((change.change, change.change_low, change.change_high) if measured else ()),
            q=change.q_value if measured else None, flag=change.flag if measured else "",
            status=change.status if change is not None else "", featured=bool(row.featured),
            school=row.school)
    for row in inputs.plan_groups.itertuples():
        if row.hidden:
            add("plan_group", row.dimension, row.group, "", "mean_change", n="–")
        else:
            add("plan_group", row.dimension, row.group, "", "mean_change", row.mean, row.low, row.high,
                n=_count(row.n))
    for row in inputs.planned.itertuples():
        add("planned_school", row.dimension, row.school, row.school_name, "change", row.change, row.change_low,
            row.change_high, flag=row.trend_flag, school=row.school)
    for key in ACTIVITY:
        add("activity", "", key, "", "count", inputs.activity.get(key, 0))
    return pd.DataFrame(rows, columns=list(TABLE_COLUMNS))


def _float(value) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def _count(value) -> int | None:
    return None if value is None or pd.isna(value) else int(value)
