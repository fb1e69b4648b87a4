"""A format-2 questionnaire with every exported type, routing, an ends-only scale and two non-substantive
options; responses packed by hand as MODEL2's storage layout says (so the export is tested against the
contract, not against the encoder)."""
from __future__ import annotations

import struct
from datetime import date

import pytest

from survey.catalog.operations import publish_definition, validate_source
from survey.responses.models import FreeTextAnswer, Response
from survey.rounds.models import SurveyRound

SECRET = '=HYPERLINK("http://evil.example","click") my teacher Jens'

DEFINITION = """\
family: student
audience: student
version: "2027"
default_language: da
languages: [da, en, ar]
title: {da: Trivsel, en: Well-being, ar: الرفاهية}
intro: {da: Om din trivsel, en: About your well-being, ar: عن رفاهيتك}
scales:
  agree5:
    points: 5
    labels:
      da: [Helt uenig, Uenig, Hverken enig eller uenig, Enig, Helt enig]
      en: [Completely disagree, Disagree, Neither, Agree, Completely agree]
    non_substantive:
      - {key: dont_know, code: 9, label: {da: Ved ikke, en: Don't know}}
      - {key: not_applicable, code: 8, label: {da: Ikke relevant, en: Not applicable}}
  often4:
    points: 4
    ends: {da: [Aldrig, Altid], en: [Never, Always]}
    order: descending
pages:
  - key: about
    questions:
      - {type: display, key: about_intro, text: {da: Om dig, en: About you}}
      - type: single
        key: program
        source: program
        text: {da: Uddannelse, en: Programme}
      - type: single
        key: in
        text: {da: Er du i praktik?, en: Are you in a placement?}
        options:
          - {key: "yes", label: {da: Ja, en: "Yes"}, code: 1}
          - {key: "no", label: {da: Nej, en: "No"}, code: 0}
      - type: numeric
        key: age
        text: {da: Hvor gammel er du?, en: How old are you?}
        min: 14
        max: 99
        unit: {da: år, en: years}
      - type: numeric
        key: sleep
        decimal: true
        text: {da: Timer søvn, en: Hours of sleep}
  - key: teaching
    questions:
      - type: rating
        key: teaching.explains
        scale: agree5
        text: {da: Lærerne forklarer godt, en: The teachers explain well}
      - type: rating
        key: teaching.boring
        scale: agree5
        reverse: true
        text: {da: Undervisningen er kedelig, en: Lessons are boring}
  - key: placement
    shown_if: "in = 'yes'"
    questions:
      - type: rating
        key: placement.learn
        scale: often4
        text: {da: Jeg lærer noget i praktikken, en: I learn at my placement}
      - type: multiple
        key: activities
        text: {da: Hvad laver du?, en: What do you do?}
        options:
          - {key: sport, label: {da: Sport, en: Sport}}
          - {key: music, label: {da: Musik, en: Music}}
          - {key: none, label: {da: Ingen af dem, en: None of these}, exclusive: true}
  - key: comments
    questions:
      - {type: text, key: comments, text: {da: Kommentarer, en: Comments}}
dimensions:
  - key: teaching
    title: {da: Undervisning, en: Teaching}
    items: [teaching.explains, teaching.boring]
  - key: placement
    title: {da: Praktik, en: Placement}
    items: [placement.learn]
"""

NOT_ASKED = 240


def pack(answer: dict) -> tuple[bytes, bytes]:
    """The packed bytes of one response (MODEL2, Storage). `answer`: in ("yes"/"no"), age, sleep (numbers),
    teaching.explains / teaching.boring (code or "dont_know"/"not_applicable"), placement.learn, activities
    (list of option keys); a key absent = no answer; placement keys are not asked unless in == "yes"."""
    placed = answer.get("in") == "yes"
    rating = {"dont_know": 255, "not_applicable": 254, None: 0}

    def code(key):
        value = answer.get(key)
        return value if isinstance(value, int) else rating[value]

    def number(key):
        value = answer.get(key)
        return bytes((0,)) + struct.pack("<d", 0.0) if value is None else bytes((1,)) + struct.pack("<d", value)

    answers = bytes((code("teaching.explains"), code("teaching.boring"),
                     code("placement.learn") if placed else NOT_ASKED))
    single = {"yes": 1, "no": 2, None: 0}[answer.get("in")]
    if not placed:
        activities = bytes((NOT_ASKED, 0))
    elif "activities" not in answer:
        activities = bytes((0, 0))
    else:
        mask = sum(1 << ["sport", "music", "none"].index(key) for key in answer["activities"])
        activities = bytes((1, mask))
    background = bytes((0, single)) + number("age") + number("sleep") + activities
    return answers, background


@pytest.fixture
def version(db_session, network):
    definition = validate_source(DEFINITION, "wellbeing.yaml", network=network)
    return publish_definition(network, definition, DEFINITION, "test").version


@pytest.fixture
def exported_round(version, make_school, db_session, network):
    """Two schools; STAFFSCH's first respondent is placed and answered everything, its second was not placed
    and left most blank, OTHER has six more."""
    from survey.network.models import school_by_code

    own = db_session.scalar(school_by_code(network.id, "STAFFSCH")) or make_school("STAFFSCH", programs=("EL",))
    other = make_school("OTHER", programs=("EL", "SMED"))
    survey_round = SurveyRound(network=network, version=version, name="Trivsel 2027", opens_on=date(2026, 1, 1),
                               closes_on=date(2026, 3, 1), schools=[own, other])
    db_session.add(survey_round)
    db_session.flush()
    rows = [
        (own, "EL", "ar", {"in": "yes", "age": 17, "sleep": 7.5, "teaching.explains": 4,
                           "teaching.boring": "not_applicable", "placement.learn": 3,
                           "activities": ["sport", "music"]}),
        (own, None, "da", {"in": "no", "teaching.explains": "dont_know"}),
    ] + [(other, "SMED" if i % 2 else "EL", "en" if i % 3 else "da",
          {"in": "yes" if i % 2 else "no", "age": 18 + i, "teaching.explains": 1 + i % 5,
           "teaching.boring": 1 + (i + 2) % 5, "placement.learn": 1 + i % 4, "activities": ["none"]})
         for i in range(6)]
    for school, program, language, answer in rows:
        answers, background = pack(answer)
        program_row = next(p for p in school.programs if p.code == program) if program else None
        response = Response(round_id=survey_round.id, school_id=school.id,
                            program_id=program_row.id if program_row else None, version_id=version.id,
                            language=language, submitted_on=date(2026, 2, 1), answers=answers,
                            background=background)
        response.free_text_answers.append(FreeTextAnswer(question_key="comments", text=SECRET))
        db_session.add(response)
    db_session.flush()
    return survey_round
