"""Factories for results tests: a small questionnaire version, rounds and responses built by hand."""
from __future__ import annotations

import struct
from datetime import date

import numpy as np
import pytest

from survey.catalog.operations import definition_of, publish_definition, validate_source
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


def definition_yaml(version: str = "t1", previous: str | None = None, points: int = 5, *, mixed: bool = False,
                    overall: bool = True, family: str = "student", scale_labels: str = "L",
                    equivalent: str | None = None) -> str:
    """A format-2 definition: one page per dimension, a page of background questions, a page of free text.

    `mixed`: a first page asks `bullied` (single choice); the wellbeing items answer on a 4-point frequency
    scale shown most positive first, labelled at its ends, with two non-substantive options; a page shown only to
    those bullied follows with `wellbeing.bullying` (agreement scale, reverse-worded, in the wellbeing
    dimension), the multiple-choice `where` and the numeric `days`.
    `overall` False: no overall dimension. `scale_labels`: the prefix of the agreement labels (another prefix
    changes the labels' meaning). `equivalent`: the reason declared on every item for a changed scale."""
    lines = [
        "format: 2", f"family: {family}", "audience: student", f'version: "{version}"',
        *([f'previous: "{previous}"'] if previous else []),
        "default_language: da", "languages: [da]", "title: {da: Test}", "intro: {da: Intro}",
        "scales:", "  agree:", f"    points: {points}",
        "    labels:", "      da: [" + ", ".join(f"{scale_labels}{i}" for i in range(1, points + 1)) + "]",
        "    non_substantive:", "      - {key: dont_know, code: 9, label: {da: Ved ikke}}",
    ]
    if mixed:
        lines += ["  often:", "    points: 4", "    ends: {da: [Aldrig, Altid]}", "    order: descending",
                  "    non_substantive:", "      - {key: dont_know, code: 8, label: {da: Ved ikke}}",
                  "      - {key: not_relevant, code: 9, label: {da: Ikke relevant}}"]
    lines.append("pages:")
    if mixed:  # asked first: whether the respondent has been bullied routes the bullying page
        lines += ["  - key: screen", "    questions:",
                  "      - type: single", "        key: bullied", "        text: {da: Mobbet?}", "        options:",
                  "          - {key: 'yes', label: {da: Ja}}", "          - {key: 'no', label: {da: Nej}}"]
    for dimension, items in DIMENSIONS.items():
        if dimension == "overall" and not overall:
            continue
        lines += [f"  - key: {dimension}", "    questions:"]
        for item in items:
            scale = "often" if mixed and dimension == "wellbeing" else "agree"
            lines += ["      - type: rating", f"        key: {item}", f"        scale: {scale}",
                      f"        text: {{da: {item}}}"]
            if item in REVERSE:
                lines.append("        reverse: true")
            if previous:
                lines.append("        lineage: same")
            if equivalent:
                lines.append(f"        equivalent_scale: {equivalent}")
        if mixed and dimension == "wellbeing":
            lines += [
                "  - key: bullying", "    shown_if: \"bullied = 'yes'\"", "    questions:",
                "      - {type: rating, key: wellbeing.bullying, scale: agree, reverse: true, text: {da: Ofte}}",
                "      - type: multiple", "        key: where", "        text: {da: Hvor?}", "        options:",
                "          - {key: class, label: {da: Klassen}}", "          - {key: yard, label: {da: Gården}}",
                "          - {key: online, label: {da: Nettet}}",
                "          - {key: none, label: {da: Ingen}, exclusive: true}",
                "      - {type: numeric, key: days, text: {da: Dage}, min: 0, max: 365}",
            ]
    lines += [
        "  - key: background", "    questions:",
        "      - {type: single, key: program, source: program, text: {da: Uddannelse}}",
        "      - type: single", "        key: gender", "        text: {da: Køn}", "        options:",
        "          - key: female", "            label: {da: Kvinde}",
        "          - key: male", "            label: {da: '" + HYPERLINK.replace("'", "''") + "'}",
    ]
    lines += ["  - key: comments", "    questions:", "      - {type: text, key: comments, text: {da: Kommentarer}}",
              "dimensions:"]
    # mixed: the dimensions listed in another order than their pages (answers are stored in page order)
    order = ["teach", "overall", "wellbeing"] if mixed else list(DIMENSIONS)
    for dimension, items in ((key, DIMENSIONS[key]) for key in order):
        if dimension == "overall" and not overall:
            continue
        items = items + ["wellbeing.bullying"] if mixed and dimension == "wellbeing" else items
        lines += [f"  - key: {dimension}", f"    title: {{da: {dimension}}}", f"    items: [{', '.join(items)}]"]
    if overall:
        lines.append("overall: overall")
    return "\n".join(lines) + "\n"


@pytest.fixture
def make_version(db_session, network):
    def make(version: str = "t1", previous: str | None = None, points: int = 5, **options):
        text = definition_yaml(version, previous, points, **options)
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
    """add_response(round, school, answers={item: code, "dk", "nr" or "na"}, program=code, gender=option,
    background={key: option key | [option keys] | number | "na"}, text=...). "dk" and "nr" are the scale's
    first and second non-substantive options, "na" not asked; a key not given is no answer. The bytes are
    packed by hand from the storage contract (MODEL2.md, Storage), not by the code under test."""

    def add(survey_round, school, answers: dict, program: str | None = None, gender: str | None = None,
            text: str | None = None, on: date = date(2026, 2, 1), background: dict | None = None) -> Response:
        version = survey_round.version
        special = {"dk": DONT_KNOW, "nr": DONT_KNOW - 1, "na": 240}
        packed = bytes(special[answers[item.key]] if answers.get(item.key) in special
                       else int(answers.get(item.key) or 0) for item in version.items)
        given = dict(background or {})
        if gender is not None:
            given["gender"] = gender
        packed_background = bytearray()
        for question in definition_of(version).background_questions():
            value = given.get(question.key)
            if question.type == "single":
                keys = [option.key for option in question.options or []]
                packed_background.append(240 if value == "na" else keys.index(value) + 1 if value else 0)
            elif question.type == "multiple":
                mask = bytearray((len(question.options) + 7) // 8)
                for i, option in enumerate(question.options):
                    if isinstance(value, list) and option.key in value:
                        mask[i // 8] |= 1 << (i % 8)
                status = 240 if value == "na" else 1 if isinstance(value, list) else 0
                packed_background += bytes([status]) + bytes(mask)
            else:
                number = float(value) if isinstance(value, (int, float)) else 0.0
                status = 240 if value == "na" else 1 if isinstance(value, (int, float)) else 0
                packed_background += bytes([status]) + struct.pack("<d", number)
        program_row = next(p for p in school.programs if p.code == program) if program else None
        response = Response(round_id=survey_round.id, school_id=school.id,
                            program_id=program_row.id if program_row else None, version_id=version.id,
                            language="da", submitted_on=on, answers=packed, background=bytes(packed_background))
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


# code -> (type, responses, mean answer on "teach"); overall satisfaction follows teach, so teach is the important
# dimension: the weak teachers (LOW1, LOW2) must improve it first and the strong ones (TOP1-3) are their partners
# (tests/results/test_partners.py, tests/partnering)
SCHOOLS = {
    "LOW1": ("EUD", 14, 1.6), "LOW2": ("hhx", 12, 2.0), "MID1": ("EUD", 10, 3.0), "MID2": ("hhx", 16, 3.2),
    "MID3": ("stx", 11, 3.3), "TOP1": ("hhx", 20, 4.6), "TOP2": ("EUD", 12, 4.5), "TOP3": ("EUD", 25, 4.4),
}


def answer_partner_round(survey_round, add_response) -> None:
    """Each school of SCHOOLS answers as its size and its "teach" mean say (seeded): the weak teachers must
    improve "teach" first and the strong ones are their partners. Also used by tests/partnering."""
    rng = np.random.default_rng(11)
    for school in survey_round.schools:
        _, size, teach = SCHOOLS[school.code]
        for _ in range(size):
            t = int(np.clip(round(teach + rng.normal(0, 0.6)), 1, 5))
            answers = {"teach.explains": t, "teach.boring": 6 - t, "teach.feedback": t,
                       "wellbeing.safe": int(rng.integers(2, 5)), "wellbeing.friends": int(rng.integers(2, 5)),
                       "overall.satisfied": t, "overall.recommend": int(np.clip(t + rng.integers(-1, 2), 1, 5))}
            add_response(survey_round, school, answers, program="EL")
