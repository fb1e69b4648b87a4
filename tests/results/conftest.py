"""Factories for results tests: a small questionnaire version, rounds and responses built by hand."""
from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from survey.catalog.operations import publish_definition, validate_source
from survey.responses.models import DONT_KNOW, FreeTextAnswer, Response
from survey.rounds.models import SurveyRound

HYPERLINK = '=HYPERLINK("http://evil.example","click")'

# dimension -> items; item "teach.boring" is reverse-worded; "overall" is overall satisfaction
DIMENSIONS = {
    "teach": ["teach.explains", "teach.boring", "teach.feedback"],
    "wellbeing": ["wellbeing.safe", "wellbeing.friends"],
    "overall": ["overall.satisfied", "overall.recommend"],
}
ITEM_KEYS = [item for items in DIMENSIONS.values() for item in items]
REVERSE = {"teach.boring"}


def definition_yaml(version: str = "t1", previous: str | None = None, points: int = 5) -> str:
    lines = [
        "family: student", f'version: "{version}"',
        *([f'previous: "{previous}"'] if previous else []),
        "languages: [da]", "title: {da: Test}", "intro: {da: Intro}",
        "scale:", f"  points: {points}",
        "  labels:", "    da: [" + ", ".join(f"L{i}" for i in range(1, points + 1)) + "]",
        "  dont_know: {da: Ved ikke}",
        "overall: overall", "dimensions:",
    ]
    for dimension, items in DIMENSIONS.items():
        lines += [f"  - key: {dimension}", f"    title: {{da: {dimension}}}", "    items:"]
        for item in items:
            lines += [f"      - key: {item}", f"        text: {{da: {item}}}"]
            if item in REVERSE:
                lines.append("        reverse: true")
            if previous:
                lines.append("        lineage: same")
    lines += [
        "background:",
        "  - key: program", "    source: program", "    text: {da: Uddannelse}",
        "  - key: gender", "    text: {da: Køn}", "    options:",
        "      - key: female", "        label: {da: Kvinde}",
        "      - key: male", "        label: {da: '" + HYPERLINK.replace("'", "''") + "'}",
        "free_text:", "  - key: comments", "    text: {da: Kommentarer}",
    ]
    return "\n".join(lines) + "\n"


@pytest.fixture
def make_version(db_session, network):
    def make(version: str = "t1", previous: str | None = None, points: int = 5):
        text = definition_yaml(version, previous, points)
        return publish_definition(network, validate_source(text, "test.yaml", network=network), text, "test").version

    return make


@pytest.fixture
def make_round(db_session, network):
    def make(version, schools, name: str = "Runde 2026", opens_on=date(2026, 1, 1),
             closes_on=date(2026, 3, 1)):
        survey_round = SurveyRound(network=network, version=version, name=name, opens_on=opens_on,
                                   closes_on=closes_on, schools=list(schools))
        db_session.add(survey_round)
        db_session.flush()
        return survey_round

    return make


@pytest.fixture
def add_response(db_session):
    """add_response(round, school, answers={item: code or "dk"}, program=code, gender=option, text=...)."""

    def add(survey_round, school, answers: dict, program: str | None = None, gender: str | None = None,
            text: str | None = None, on: date = date(2026, 2, 1)) -> Response:
        version = survey_round.version
        packed = bytes(DONT_KNOW if answers.get(item.key) == "dk" else int(answers.get(item.key) or 0)
                       for item in version.items)
        background = []
        for question in version.background_questions:
            if question.options:
                keys = [option["key"] for option in question.options]
                background.append(keys.index(gender) + 1 if gender else 0)
            else:
                background.append(0)
        program_row = next(p for p in school.programs if p.code == program) if program else None
        response = Response(round_id=survey_round.id, school_id=school.id,
                            program_id=program_row.id if program_row else None, version_id=version.id,
                            language="da", submitted_on=on, answers=packed, background=bytes(background))
        if text is not None:
            response.free_text_answers.append(FreeTextAnswer(question_key="comments", text=text))
        db_session.add(response)
        db_session.flush()
        return response

    return add


def stored_results(survey_round, today: date):
    """The round's results as readers see them once the periodic job has run on `today` (frozen when the round
    has closed, that day's snapshot while it is open)."""
    from survey.results.operations import freeze_due_rounds
    from survey.results.service import round_results

    run = freeze_due_rounds(today=today)
    assert not run.failed, run.failed
    return round_results(survey_round, today=today)


def random_answers(rng: np.random.Generator, n: int, points: int = 5, missing: float = 0.1) -> list[dict]:
    """n respondents' answers: codes 1..points, some "dk" and some unanswered."""
    rows = []
    for _ in range(n):
        row = {}
        for item in ITEM_KEYS:
            u = rng.random()
            if u < missing / 2:
                row[item] = "dk"
            elif u < missing:
                continue
            else:
                row[item] = int(rng.integers(1, points + 1))
        rows.append(row)
    return rows
