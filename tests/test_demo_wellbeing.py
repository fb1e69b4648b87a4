"""The demo's well-being answers follow the questionnaire's routing: follow-ups are "not asked" exactly when
their condition is false, and the packed bytes say so where MODEL2's storage contract puts them."""
from pathlib import Path

import numpy as np

from survey.catalog.definition import load_definition
from survey.demo.wellbeing import NOT_ASKED_MARK, pack_answers, pack_background, respondent_answers
from survey.responses.models import NOT_ASKED

WELLBEING = Path(__file__).parents[1] / "questionnaires" / "wellbeing" / "2027.yaml"
FOLLOW_UPS = ("bullied_where", "bullied_by", "bullied_told")
BULLIED = {"once_or_twice", "monthly", "weekly"}


def respondents(n=3000):
    definition = load_definition(WELLBEING)
    rng = np.random.default_rng(1)
    return definition, [respondent_answers(definition, rng, rng.normal(0, 0.3)) for _ in range(n)]


def test_follow_ups_are_asked_exactly_when_their_conditions_hold():
    _, answers = respondents()
    bullied = [a for a in answers if a.get("bullied") in BULLIED]
    assert 0.05 < len(bullied) / len(answers) < 0.3  # a module with something to report, as in real rounds
    for a in answers:
        asked = a.get("bullied") in BULLIED
        assert all((a.get(key) is not NOT_ASKED_MARK) == asked for key in FOLLOW_UPS)
        assert (a.get("bullied_helped") is not NOT_ASKED_MARK) == (asked and a.get("bullied_told") == "told")
    assert any("bullied" not in a for a in answers)  # unanswered gate: follow-ups not asked either
    assert all(a["bullied_where"] is NOT_ASKED_MARK for a in answers if "bullied" not in a)


def test_exclusive_options_stand_alone_and_numbers_stay_in_range():
    _, answers = respondents()
    for a in answers:
        for key, exclusive in (("activities", "none"), ("bullied_by", "rather_not_say")):
            chosen = a.get(key)
            if isinstance(chosen, list) and exclusive in chosen:
                assert chosen == [exclusive]
        assert 14 <= a.get("age", 20) <= 99 and 0 <= a.get("sleep_hours", 7) <= 16 and 0 <= a.get("job_hours", 0) <= 60


def test_packed_bytes_put_not_asked_where_the_storage_contract_says():
    definition, answers = respondents(400)
    widths = {"single": 1, "numeric": 9}
    offsets, at = {}, 0
    for question in definition.background_questions():
        offsets[question.key] = at
        at += widths.get(question.type) or 1 + -(-len(question.options) // 8)
    for a in answers:
        background = pack_background(definition, a)
        assert len(background) == at
        assert len(pack_answers(definition, a)) == len(definition.rating_items())
        for key in (*FOLLOW_UPS, "bullied_helped"):
            assert (background[offsets[key]] == NOT_ASKED) == (a.get(key) is NOT_ASKED_MARK)
        if isinstance(a.get("sleep_hours"), float):
            start = offsets["sleep_hours"]
            assert background[start] == 1
            assert np.frombuffer(background[start + 1:start + 9], "<f8")[0] == a["sleep_hours"]
