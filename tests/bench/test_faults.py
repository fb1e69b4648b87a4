"""`bench/faults.py`'s accounting: stored responses matched with respondents by their answers, so that its last
line (lost, duplicated, unfinished) counts what a person would notice. No servers: the matching alone."""
from __future__ import annotations

import random

from bench.aggregate import definition_yaml
from bench.faults import Load, Respondent, account
from survey.catalog.definition import parse_definition
from survey.responses.operations import pack_answers


def respondents(count: int) -> list[Respondent]:
    """Respondents who answered every rating item at random (and a background question, which is not matched)."""
    definition = parse_definition(definition_yaml(), "bench.yaml")
    rng = random.Random(7)
    people = []
    for _ in range(count):
        answers = {item.key: str(rng.randint(1, 5)) for _, item in definition.items()}
        people.append(Respondent(answers=answers | {"gender": "female"}, thanked=True))
    return people


def stored(person: Respondent) -> bytes:
    definition = parse_definition(definition_yaml(), "bench.yaml")
    return pack_answers(definition, {k: int(v) for k, v in person.answers.items() if k != "gender"})


def test_every_thanked_respondent_stored_once_counts_nothing_lost_or_duplicated():
    people = respondents(5)
    result = account(Load(respondents=people), [stored(p) for p in people])
    assert (result["responses"], result["lost"], result["duplicated"], result["unfinished"]) == (5, 0, 0, 0)


def test_a_missing_response_is_lost_a_second_copy_duplicated_and_an_unthanked_one_unfinished():
    people = respondents(5)
    people[4].thanked = False  # submitted, but the thanks page never arrived: stored, not lost
    people.append(Respondent(answers={"gender": "male"}))  # gave up on the first page: nothing stored
    responses = [stored(p) for p in people[1:5]] + [stored(people[2])]  # the first lost, the third twice
    result = account(Load(respondents=people), responses)
    assert (result["responses"], result["lost"], result["duplicated"], result["unfinished"]) == (5, 1, 1, 2)
    assert result["stored_unthanked"] == 1
