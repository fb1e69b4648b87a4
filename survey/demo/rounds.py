"""Demo rounds: an open round per family, with links, and two closed rounds per family full of synthetic answers.

The answers come from a latent model, so results have something real to show: each school has its own level
on each dimension, each respondent a general satisfaction, items are noisy ordinal cuts of their dimension's
latent score (stored "as given", so reverse-worded items are flipped back), a few answers are "don't know" or
missing, and overall satisfaction is a weighted sum of the other dimensions, so the structural analysis finds
its drivers. Background groups (gender, age, year) shift satisfaction a little, so breakdowns differ as they do
in real rounds, and some respondents leave a comment, so the reports' comment pages have something to show.
A family's two closed rounds share its schools' levels; in the later one about one in eight (school, dimension)
pairs has really moved, up or down, so trends, their intervals and flags show where something changed and
stay quiet elsewhere. Programs' populations are given, so response rates and the finite-population correction
show. Everything is drawn from fixed seeds: the same demo every time.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
from sqlalchemy import func, insert, select

from survey.catalog.models import QuestionnaireVersion, version_by_label
from survey.demo.wellbeing import seed_wellbeing_rounds
from survey.extensions import db
from survey.network.models import Network
from survey.responses.models import DONT_KNOW, NOT_ANSWERED, FreeTextAnswer, Response
from survey.rounds.models import SurveyLink, SurveyRound
from survey.rounds.operations import create_round, ensure_links, set_population

@dataclass(frozen=True)
class ClosedRound:
    name: str
    family: str
    version: str
    opens_on: date
    closes_on: date
    wave: int  # 0: the earlier round of its family, 1: the later one, where some schools have changed


# Two closed rounds per family, each pair on one version so that every dimension is comparable and trends show.
CLOSED_ROUNDS = (
    ClosedRound("Elevtrivsel 2025", "student", "2026", date(2025, 2, 3), date(2025, 3, 14), 0),
    ClosedRound("Elevtrivsel 2026", "student", "2026", date(2026, 2, 1), date(2026, 3, 15), 1),
    ClosedRound("Medarbejdertrivsel 2024", "staff", "2026", date(2024, 10, 1), date(2024, 10, 31), 0),
    ClosedRound("Medarbejdertrivsel 2025", "staff", "2026", date(2025, 10, 1), date(2025, 10, 31), 1),
    ClosedRound("Virksomhedstilfredshed 2024", "company", "2026", date(2024, 5, 1), date(2024, 6, 14), 0),
    ClosedRound("Virksomhedstilfredshed 2025", "company", "2026", date(2025, 5, 1), date(2025, 6, 13), 1),
)
CLOSED_ROUND = CLOSED_ROUNDS[1]  # the later student round
OPEN_ROUNDS = (
    ("Elevtrivsel 2027", "student", "2027"),
    ("Medarbejdertrivsel 2026", "staff", "2026"),
    ("Virksomhedstilfredshed 2026", "company", "2026"),
)
# Respondents per school and round (lowest, highest) and the share of a program's population who answer.
SIZES = {"student": (80, 501), "staff": (25, 101), "company": (15, 61)}
ANSWER_RATE = {"student": (0.6, 0.85), "staff": (0.7, 0.9), "company": (0.45, 0.7)}
FAMILY_SEEDS = {"student": 0, "staff": 1, "company": 2}
# Between a family's two rounds, this share of (school, dimension) pairs moves by 0.25-0.45 latent units (about
# 7-12 index points), up or down; every other pair stays where it was, up to sampling noise.
CHANGE_SHARE = 0.12
SEED = 2026
# How much each dimension drives overall satisfaction (relative weights; unnamed dimensions get 0.5).
DRIVER_WEIGHTS = {"teaching": 3.0, "learning_environment": 2.0, "wellbeing": 2.5, "motivation": 1.0,
                  "surroundings": 0.5, "abilities": 1.0, "placement": 0.7,
                  "management": 2.0, "collaboration": 1.0, "workload": 1.5, "development": 1.0, "work_environment": 1.5,
                  "students": 2.0, "cooperation": 2.5}
THRESHOLDS = np.array([-1.9, -1.0, -0.15, 0.75])  # latent -> codes 1..5; the mean answer lands near 3.7
COMMENT_SHARE = 0.12  # of respondents who write something in a comment box
COMMENTS = {
    "best": (
        "Lærerne er gode til at forklare tingene, så man forstår dem.",
        "Værkstederne og at vi laver rigtige opgaver.",
        "Mine klassekammerater og det sociale.",
        "At man bliver taget seriøst, når man siger noget.",
        "Kantinen er god og ikke for dyr.",
        "Praktikken har lært mig mest.",
    ),
    "improve": (
        "Bedre information om skemaændringer, de kommer ofte for sent.",
        "Wifi'en virker dårligt i værkstederne.",
        "Mere hjælp til at finde en praktikplads.",
        "Toiletterne skal gøres rent oftere.",
        "Flere pauser på de lange dage.",
        "Lærerne skal give feedback hurtigere på opgaver.",
    ),
}


@dataclass(frozen=True)
class DemoRounds:
    open_rounds: list[SurveyRound]
    closed_rounds: list[SurveyRound]
    """Two per family: the questionnaire rounds of CLOSED_ROUNDS, then the well-being rounds."""
    responses_added: int


def seed_rounds(network: Network, today: date | None = None) -> DemoRounds:
    """Add what is missing: the closed rounds with their responses and populations, the open rounds with links."""
    today = today or date.today()
    closed, added = [], 0
    for spec in CLOSED_ROUNDS:
        survey_round = _round(network, spec.name, spec.family, spec.version, spec.opens_on, spec.closes_on)
        if not db.session.scalar(select(func.count()).select_from(Response).where(Response.round_id == survey_round.id)):
            added += _add_synthetic_responses(survey_round, spec)
        closed.append(survey_round)
    open_rounds = []
    for name, family, label in OPEN_ROUNDS:
        survey_round = _round(network, name, family, label, today - timedelta(days=7), today + timedelta(days=45))
        if not db.session.scalar(select(func.count()).select_from(SurveyLink).where(SurveyLink.round_id == survey_round.id)):
            ensure_links(survey_round)
            if family == "student":  # the first school shows per-program links too
                ensure_links(survey_round, network.schools[0], per_program=True)
        open_rounds.append(survey_round)
    wellbeing, wellbeing_added = seed_wellbeing_rounds(network)
    db.session.flush()
    return DemoRounds(open_rounds, closed + wellbeing, added + wellbeing_added)


def example_links(demo: DemoRounds, how_many: int = 3) -> list[SurveyLink]:
    """A few links of the open student round, to try the respondent form."""
    student = demo.open_rounds[0]
    return list(
        db.session.scalars(select(SurveyLink).where(SurveyLink.round_id == student.id).order_by(SurveyLink.id).limit(how_many))
    )


def _round(network: Network, name: str, family: str, label: str, opens_on: date, closes_on: date) -> SurveyRound:
    existing = db.session.scalar(select(SurveyRound).where(SurveyRound.network_id == network.id, SurveyRound.name == name))
    if existing is not None:
        return existing
    version: QuestionnaireVersion = db.session.scalar(version_by_label(network.id, family, label))
    return create_round(network, version, name, opens_on, closes_on, list(network.schools))


@dataclass(frozen=True)
class FamilyModel:
    """What stays put between a family's rounds: the dimensions' levels and drivers, each school's levels, size and
    mix of programs; and what moves in the later round: `change` (school x dimension, latent units)."""

    dimension_level: np.ndarray
    loading: np.ndarray
    weights: np.ndarray
    group_effect: list
    school_general: np.ndarray
    school_dims: np.ndarray
    change: np.ndarray
    sizes: np.ndarray
    program_share: list
    answer_rate: list


def family_model(survey_round: SurveyRound, family: str) -> FamilyModel:
    """Drawn from the family's own seed, so both rounds of a family (and every seed) see the same schools."""
    rng = np.random.default_rng([SEED, FAMILY_SEEDS[family]])
    version = survey_round.version
    dimensions = [d for d in version.dimensions if not d.is_overall]
    schools = survey_round.schools
    weights = np.array([DRIVER_WEIGHTS.get(d.key, 0.5) for d in dimensions])
    moved = rng.random((len(schools), len(dimensions))) < CHANGE_SHARE
    change = np.where(moved, rng.choice([-1.0, 1.0], moved.shape) * rng.uniform(0.25, 0.45, moved.shape), 0.0)
    low, high = SIZES[family]
    return FamilyModel(
        dimension_level=rng.normal(0.2, 0.35, len(dimensions)),  # some dimensions score higher everywhere
        loading=rng.uniform(0.75, 1.1, len(version.items)),
        weights=weights / weights.sum(),
        # how much each background group lifts or lowers its members' general satisfaction
        group_effect=[rng.normal(0, 0.2, len(q.options)) if q.options else None for q in version.background_questions],
        school_general=rng.normal(0, 0.3, len(schools)),
        school_dims=rng.normal(0, 0.3, (len(schools), len(dimensions))),
        change=change,
        sizes=rng.integers(low, high, len(schools)),
        program_share=[rng.dirichlet(np.full(len(s.programs), 3.0)) if s.programs else None for s in schools],
        answer_rate=[rng.uniform(*ANSWER_RATE[family], len(s.programs)) for s in schools],
    )


def _add_synthetic_responses(survey_round: SurveyRound, spec: ClosedRound) -> int:
    model = family_model(survey_round, spec.family)
    rng = np.random.default_rng([SEED, FAMILY_SEEDS[spec.family], spec.wave + 1])
    version = survey_round.version
    k = version.scale_points
    dimensions = [d for d in version.dimensions if not d.is_overall]
    overall = next(d for d in version.dimensions if d.is_overall)
    dim_index = {d.id: i for i, d in enumerate(dimensions)}
    items = version.items
    reverse = np.array([item.reverse for item in items])
    background = version.background_questions
    days = (survey_round.closes_on - survey_round.opens_on).days + 1
    by_program = spec.family != "staff"  # staff answer for their school, students and companies for a program

    rows: list[dict] = []
    for s, school in enumerate(survey_round.schools):
        low, high = SIZES[spec.family]
        n = int(np.clip(model.sizes[s] * rng.uniform(0.85, 1.15), low, high - 1))  # a school's size varies a little
        school_dims = model.school_dims[s] + (model.change[s] if spec.wave else 0.0)
        background_codes = np.zeros((n, len(background)), dtype=np.uint8)
        general = rng.normal(0, 1, n)
        for j, question in enumerate(background):
            if question.options:
                options = len(question.options)
                drawn = rng.integers(1, options + 1, n)
                general += model.group_effect[j][drawn - 1]
                drawn[rng.random(n) < (0.08 if not question.required else 0.0)] = NOT_ANSWERED
                background_codes[:, j] = drawn
        general = general[:, None]
        latent = (model.dimension_level + model.school_general[s] + school_dims + 0.65 * general
                  + 0.75 * rng.normal(0, 1, (n, len(dimensions))))
        overall_latent = latent @ model.weights * 1.4 + 0.45 * rng.normal(0, 1, n) - 0.1
        columns = []
        for item in items:
            base = overall_latent if item.dimension_id == overall.id else latent[:, dim_index[item.dimension_id]]
            columns.append(base)
        item_latent = np.column_stack(columns) * model.loading + 0.6 * rng.normal(0, 1, (n, len(items)))
        codes = (np.searchsorted(THRESHOLDS, item_latent) + 1).astype(np.int16)
        codes = np.where(reverse, k + 1 - codes, codes)  # stored as given
        shape = codes.shape
        codes[rng.random(shape) < 0.03] = DONT_KNOW
        codes[rng.random(shape) < 0.015] = NOT_ANSWERED
        placement = [i for i, item in enumerate(items) if item.dimension.key == "placement"]
        if placement:  # students without a placement answer "don't know" there
            no_placement = rng.random(n) < 0.35
            codes[np.ix_(no_placement, placement)] = DONT_KNOW
        answers = codes.astype(np.uint8)
        programs = school.programs
        program_pick = rng.choice(len(programs), n, p=model.program_share[s]) if programs and by_program else None
        day_offsets = np.sort(rng.integers(0, days, n))
        languages = rng.choice(["da", "en"], n, p=[0.93, 0.07])
        for r in range(n):
            rows.append(
                {
                    "round_id": survey_round.id,
                    "school_id": school.id,
                    "program_id": programs[program_pick[r]].id if program_pick is not None else None,
                    "version_id": version.id,
                    "language": str(languages[r]),
                    "submitted_on": survey_round.opens_on + timedelta(days=int(day_offsets[r])),
                    "answers": answers[r].tobytes(),
                    "background": background_codes[r].tobytes(),
                }
            )
        _set_populations(survey_round, school.programs, program_pick, n, model.answer_rate[s])
    db.session.execute(insert(Response), rows)
    _add_comments(survey_round, rng)
    return len(rows)


def _set_populations(survey_round: SurveyRound, programs, program_pick, n: int, answer_rate) -> None:
    """Each program's population, so that response rates and the finite-population correction show: those who
    answered over the program's answer rate; staff, who answer for the school, spread over its programs."""
    if not programs:
        return
    if program_pick is not None:
        for index, program in enumerate(programs):
            answered = int(np.sum(program_pick == index))
            set_population(survey_round, program, int(round(answered / answer_rate[index])))
        return
    staff = int(round(n / float(np.mean(answer_rate))))
    for index, program in enumerate(programs):
        set_population(survey_round, program, staff // len(programs) + (index < staff % len(programs)))


def _add_comments(survey_round: SurveyRound, rng: np.random.Generator) -> None:
    """A comment from some respondents, on the questionnaire's free-text questions that have demo texts."""
    keys = [q.key for q in survey_round.version.free_text_questions if q.key in COMMENTS]
    response_ids = db.session.scalars(
        select(Response.id).where(Response.round_id == survey_round.id).order_by(Response.id)
    ).all()
    rows = []
    for response_id in response_ids:
        for key in keys:
            if rng.random() < COMMENT_SHARE:
                rows.append({"response_id": response_id, "question_key": key, "text": str(rng.choice(COMMENTS[key]))})
    if rows:
        db.session.execute(insert(FreeTextAnswer), rows)
