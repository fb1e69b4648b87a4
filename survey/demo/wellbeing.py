"""The demo's well-being rounds: synthetic answers to questionnaires/wellbeing/2027.yaml that follow its routing.

Each school has its own level and each respondent a general well-being; being bullied lowers well-being and
ties to friends, and overall satisfaction is driven by the three other dimensions, so breakdowns and the
structural analysis have something to find. Answers are first drawn for every question, then the definition's
own conditions decide what was asked, page by page: a follow-up of the bullying module is stored as "not asked"
for everyone who was not bullied or did not answer, exactly as the respondent form would leave it.
Two closed rounds share each school's level; in the later one some schools have moved on some dimensions.
Everything is drawn from fixed seeds.
"""
from __future__ import annotations

import math
from datetime import date, timedelta

import numpy as np
from sqlalchemy import func, insert, select

from survey.catalog.definition import QuestionnaireDefinition
from survey.catalog.models import version_by_label
from survey.catalog.operations import definition_of
from survey.extensions import db
from survey.network.models import Network
from survey.questions import MultipleChoiceQuestion, NumericQuestion, RatingQuestion, SingleChoiceQuestion
from survey.responses.models import NOT_ANSWERED, NOT_ASKED, FreeTextAnswer, Response
from survey.rounds.models import SurveyRound
from survey.rounds.operations import create_round, set_population

# Two closed rounds on one version (wave 0, then wave 1 where some schools have changed), as for the other families.
WELLBEING_ROUNDS = (
    ("Trivselsmåling 2025/26", "wellbeing", "2027", date(2025, 9, 8), date(2025, 10, 17), 0),
    ("Trivselsmåling 2026/27", "wellbeing", "2027", date(2026, 9, 7), date(2026, 10, 16), 1),
)
SEED = 2027
DIMENSIONS = ("wellbeing", "everyday", "relations")
CHANGE_SHARE = 0.12  # of (school, dimension) pairs that move between the rounds, by 0.25-0.45 latent units
ANSWER_RATE = (0.55, 0.8)
LANGUAGES = (("da", 0.9), ("en", 0.06), ("ar", 0.04))
# Latent -> codes, per number of points (agreement and frequency; yes/no; 0-10).
CUTS = {5: np.array([-1.9, -1.0, -0.15, 0.75]), 2: np.array([-1.2])}
BULLIED = {"never": 0.0, "once_or_twice": -0.4, "monthly": -0.9, "weekly": -1.4}
COMMENTS = (
    "Der er for lidt plads i kantinen i frokostpausen.",
    "Jeg er glad for min klasse, vi hjælper hinanden.",
    "Det ville være godt med flere steder at sidde i pauserne.",
    "Lærerne opdager ikke altid, når nogen bliver holdt udenfor.",
    "Der er meget pres op til eksamen, flere afleveringer ligger samme uge.",
    "Jeg savner flere fællesarrangementer på tværs af holdene.",
)
COMMENT_SHARE = 0.1


def seed_wellbeing_rounds(network: Network) -> tuple[list[SurveyRound], int]:
    """The two closed well-being rounds at every school, and their responses when they have none yet."""
    rounds, added = [], 0
    for name, family, label, opens_on, closes_on, wave in WELLBEING_ROUNDS:
        survey_round = db.session.scalar(
            select(SurveyRound).where(SurveyRound.network_id == network.id, SurveyRound.name == name)
        )
        if survey_round is None:
            version = db.session.scalar(version_by_label(network.id, family, label))
            survey_round = create_round(network, version, name, opens_on, closes_on, list(network.schools))
            db.session.flush()
        if not db.session.scalar(select(func.count()).select_from(Response).where(Response.round_id == survey_round.id)):
            added += _add_responses(survey_round, wave)
        rounds.append(survey_round)
    return rounds, added


def _add_responses(survey_round: SurveyRound, wave: int) -> int:
    schools = survey_round.schools
    model = np.random.default_rng([SEED, 0])  # what both rounds share: sizes, levels, program mix, what moves
    sizes = model.integers(40, 251, len(schools))
    levels = model.normal(0, 0.3, len(schools))
    moved = model.random((len(schools), len(DIMENSIONS))) < CHANGE_SHARE
    change = np.where(moved, model.choice([-1.0, 1.0], moved.shape) * model.uniform(0.25, 0.45, moved.shape), 0.0)
    shares = [model.dirichlet(np.full(len(s.programs), 3.0)) if s.programs else None for s in schools]
    rates = [model.uniform(*ANSWER_RATE, len(s.programs)) for s in schools]
    rng = np.random.default_rng([SEED, wave + 1])
    definition = definition_of(survey_round.version)
    days = (survey_round.closes_on - survey_round.opens_on).days + 1
    languages, language_shares = zip(*LANGUAGES)
    rows: list[dict] = []
    comments: list[tuple[int, str]] = []
    for s, school in enumerate(schools):
        n = int(np.clip(sizes[s] * rng.uniform(0.85, 1.15), 40, 250))  # a school's size varies a little
        shifts = dict(zip(DIMENSIONS, change[s] if wave else np.zeros(len(DIMENSIONS))))
        programs = school.programs
        program_pick = rng.choice(len(programs), n, p=shares[s]) if programs else None
        day_offsets = np.sort(rng.integers(0, days, n))
        for r in range(n):
            answers = respondent_answers(definition, rng, levels[s], shifts)
            if rng.random() < COMMENT_SHARE:
                comments.append((len(rows), str(rng.choice(COMMENTS))))
            rows.append({
                "round_id": survey_round.id,
                "school_id": school.id,
                "program_id": programs[program_pick[r]].id if programs else None,
                "version_id": survey_round.version_id,
                "language": str(rng.choice(languages, p=language_shares)),
                "submitted_on": survey_round.opens_on + timedelta(days=int(day_offsets[r])),
                "answers": pack_answers(definition, answers),
                "background": pack_background(definition, answers),
            })
        for index, program in enumerate(programs):
            answered = int(np.sum(program_pick == index))
            set_population(survey_round, program, int(round(answered / rates[s][index])))
    db.session.execute(insert(Response), rows)
    if comments:
        ids = db.session.scalars(
            select(Response.id).where(Response.round_id == survey_round.id).order_by(Response.id)
        ).all()
        db.session.execute(
            insert(FreeTextAnswer), [{"response_id": ids[i], "question_key": "comments", "text": text} for i, text in comments]
        )
    return len(rows)


def respondent_answers(definition: QuestionnaireDefinition, rng: np.random.Generator, school_level: float,
                       shifts: dict[str, float] | None = None) -> dict[str, object]:
    """One respondent's answers by question key, routed: a question not asked is absent. `shifts`: how far the
    school has moved on each dimension since the earlier round (latent units)."""
    general = rng.normal(0, 1)
    bullied = rng.random() < 1 / (1 + math.exp(2.2 + 0.8 * general + school_level))
    bullied_key = str(rng.choice(["once_or_twice", "monthly", "weekly"], p=[0.5, 0.28, 0.22])) if bullied else "never"
    hurt = BULLIED[bullied_key]
    latent = {
        "wellbeing": 0.3 + school_level + 0.7 * general + hurt,
        "everyday": 0.1 + 0.5 * school_level + 0.5 * general + 0.3 * hurt,
        "relations": 0.6 + 0.6 * general + 0.6 * hurt,
    }
    for key, shift in (shifts or {}).items():
        latent[key] += shift
    latent["overall"] = 0.45 * latent["wellbeing"] + 0.25 * latent["everyday"] + 0.3 * latent["relations"]
    drawn: dict[str, object] = {
        "age": int(min(45, 16 + rng.gamma(1.6, 1.8))),
        "bullied": bullied_key,
        "bullied_where": _some(rng, ["lessons", "breaks", "way_to_school", "online", "placement", "elsewhere"],
                               [0.35, 0.6, 0.15, 0.45, 0.1, 0.1]),
        "bullied_by": ["rather_not_say"] if rng.random() < 0.1 else _some(
            rng, ["classmates", "other_students", "adults", "outsiders"], [0.65, 0.4, 0.08, 0.15]),
        "bullied_told": "told" if rng.random() < 0.45 else "not_told",
        "bullied_helped": str(rng.choice(["stopped", "less", "no_change", "worse"], p=[0.3, 0.35, 0.27, 0.08])),
        "sleep_hours": float(np.clip(np.round(rng.normal(7.2 + 0.2 * general, 1.0) * 2) / 2, 3, 12)),
        "job_hours": 0 if rng.random() < 0.45 else int(rng.integers(4, 26)),
        "activities": _some(rng, ["sport", "parties", "trips", "council", "homework_cafe"],
                            [0.3, 0.45, 0.35, 0.06, 0.12]) or ["none"],
    }
    for key in ("age", "bullied", "bullied_told", "sleep_hours", "job_hours", "activities"):
        if rng.random() < 0.05:
            drawn.pop(key)
    for item in definition.rating_items():
        dimension = definition.dimension_of(item.key)
        drawn[item.key] = _rating(definition, item, latent[dimension.key if dimension else "overall"], rng)
    return _routed(definition, drawn)


def _some(rng: np.random.Generator, keys: list[str], chances: list[float]) -> list[str]:
    return [key for key, chance in zip(keys, chances) if rng.random() < chance]


def _rating(definition: QuestionnaireDefinition, item: RatingQuestion, latent: float, rng: np.random.Generator):
    """A code 1..k as given (reverse-worded items flipped), a non-substantive option's key, or None."""
    scale = definition.scale_of(item)
    roll = rng.random()
    if roll < 0.015:
        return None
    if scale.non_substantive and roll < 0.015 + 0.03:
        return scale.non_substantive[0].key
    if len(scale.non_substantive) > 1 and roll < 0.015 + 0.03 + 0.01:
        return scale.non_substantive[1].key
    value = latent * rng.uniform(0.75, 1.1) + 0.6 * rng.normal()
    if scale.points in CUTS:
        code = int(np.searchsorted(CUTS[scale.points], value)) + 1
    else:  # a long scale (0-10): centred a little above its middle
        code = int(np.clip(round(scale.points * 0.62 + value * scale.points / 7), 1, scale.points))
    return scale.points + 1 - code if item.reverse else code


def _routed(definition: QuestionnaireDefinition, drawn: dict[str, object]) -> dict[str, object]:
    """The answers a respondent could give: page by page, a question whose page or own condition is false on
    the answers so far is marked not asked (None values are kept as "no answer")."""
    given: dict[str, object] = {}
    answered: dict[str, object] = {}  # what conditions read: not-asked questions are absent, as unanswered ones
    for page in definition.pages:
        page_shown = page.condition is None or page.condition.evaluate(answered)
        for question in page.questions:
            if not question.stored:
                continue
            if not (page_shown and (question.condition is None or question.condition.evaluate(answered))):
                given[question.key] = NOT_ASKED_MARK
            elif drawn.get(question.key) is not None:
                given[question.key] = answered[question.key] = drawn[question.key]
    return given


class _NotAsked:
    def __repr__(self) -> str:
        return "NOT_ASKED"


NOT_ASKED_MARK = _NotAsked()
"""In the answers of `_routed`: the question was not asked (distinct from absent = not answered)."""


def pack_answers(definition: QuestionnaireDefinition, answers: dict[str, object]) -> bytes:
    """`Response.answers`: one byte per rating item (0 none, 1..k, 255 - j the j-th non-substantive, 240 not asked)."""
    packed = bytearray()
    for item in definition.rating_items():
        value = answers.get(item.key)
        if value is NOT_ASKED_MARK:
            packed.append(NOT_ASKED)
        elif value is None:
            packed.append(NOT_ANSWERED)
        elif isinstance(value, str):
            keys = [option.key for option in definition.scale_of(item).non_substantive]
            packed.append(255 - keys.index(value))
        else:
            packed.append(int(value))
    return bytes(packed)


def pack_background(definition: QuestionnaireDefinition, answers: dict[str, object]) -> bytes:
    """`Response.background`, per background question: single 1 byte; multiple status + bitmask; numeric status
    + float64 (little-endian); status 0 none, 1 answered, 240 not asked."""
    packed = bytearray()
    for question in definition.background_questions():
        value = answers.get(question.key)
        asked = value is not NOT_ASKED_MARK
        if isinstance(question, SingleChoiceQuestion):
            if not asked:
                packed.append(NOT_ASKED)
            elif value is None or question.options is None:
                packed.append(NOT_ANSWERED)  # source: program is answered by program_id
            else:
                packed.append([option.key for option in question.options].index(value) + 1)
        elif isinstance(question, MultipleChoiceQuestion):
            mask = bytearray(math.ceil(len(question.options) / 8))
            for i, option in enumerate(question.options):
                if asked and value is not None and option.key in value:
                    mask[i // 8] |= 1 << (i % 8)
            packed.append(NOT_ASKED if not asked else NOT_ANSWERED if value is None else 1)
            packed.extend(mask)
        elif isinstance(question, NumericQuestion):
            packed.append(NOT_ASKED if not asked else NOT_ANSWERED if value is None else 1)
            packed.extend(np.float64(value if asked and value is not None else 0.0).astype("<f8").tobytes())
    return bytes(packed)
