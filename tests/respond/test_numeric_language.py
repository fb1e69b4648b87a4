"""A number a respondent gave is shown back as their language writes numbers: on the review page and in the box
when they come back to the page (7,5 in Danish and Swedish, 7.5 in English), every digit kept, no thousands
separator; a language Babel does not know (Dari) gets the plain form."""
from __future__ import annotations

import pytest

from survey.catalog.definition import parse_definition
from survey.questions.base import FormContext

DEFINITION = """
family: wellbeing
version: "1"
default_language: da
languages: [da, sv, en, prs]
title: {da: Trivsel}
intro: {da: Om undersøgelsen}
scales:
  agree: {points: 4, labels: {da: [Helt uenig, Uenig, Enig, Helt enig]}}
pages:
  - key: overall
    questions:
      - {type: rating, key: overall.satisfied, scale: agree, text: {da: Jeg er glad for skolen}}
      - type: numeric
        key: sleep
        decimal: true
        text: {da: Hvor mange timer sover du?}
        unit: {da: timer, en: hours}
dimensions:
  - {key: overall, title: {da: Samlet}, items: [overall.satisfied]}
"""


@pytest.mark.parametrize(("language", "number", "review", "box"), [
    ("da", 7.5, "7,5 timer", "7,5"),
    ("sv", 12345.25, "12345,25 timer", "12345,25"),
    ("en", 7.5, "7.5 hours", "7.5"),
    ("da", 8.0, "8 timer", "8"),
    ("prs", 7.125, "7.125 timer", "7.125"),
])
def test_a_number_reads_back_in_the_respondents_language(language, number, review, box):
    definition = parse_definition(DEFINITION, "wellbeing.yaml")
    question = definition.question("sleep")
    assert question.review_answer(number, FormContext(definition, language)) == review
    assert question.input_text(number, language) == box


def test_a_refused_entry_is_shown_as_typed():
    definition = parse_definition(DEFINITION, "wellbeing.yaml")
    assert definition.question("sleep").input_text("7 og en halv", "da") == "7 og en halv"
